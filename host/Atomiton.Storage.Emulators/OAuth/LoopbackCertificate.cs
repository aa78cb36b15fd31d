using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Atomiton.Storage.Emulators.OAuth;

/// <summary>
/// A self-signed TLS certificate for <c>127.0.0.1</c> and <c>localhost</c>, made when an emulator starts
/// (never stored, never installed in a trust store): clients trust it by pinning its
/// <see cref="Thumbprint"/>, as the <c>onedrive</c> plugin does for a test authority. MSAL refuses
/// plain-http authorities, so the Microsoft identity platform endpoints are served with it.
/// </summary>
public static class LoopbackCertificate
{
    /// <summary>Creates a certificate with a fresh ECDSA P-256 key, valid from a minute ago for two days.</summary>
    /// <returns>The certificate with its private key, ready for Kestrel.</returns>
    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Atomiton Storage loopback emulator", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server authentication
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-1), now.AddDays(2));

        // Through PKCS#12 so the key is usable by SslStream on every platform (an ephemeral key is not on Windows).
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>The thumbprint clients pin: the SHA-256 hash of the certificate, as 64 uppercase hexadecimal digits.</summary>
    /// <param name="certificate">The certificate.</param>
    public static string Thumbprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }
}
