using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>The server serves HTTPS with a configured certificate (see docs/cloud-api.md, TLS).</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Https_url_with_a_configured_certificate_serves_the_api_over_TLS()
    {
        using var certificate = SelfSigned();
        await using var server = await CloudTestServer.StartAsync(o =>
        {
            o.Urls.Clear();
            o.Urls.Add("https://127.0.0.1:0");
            o.ConfigureHttps = https => https.ServerCertificate = certificate;
        });
        Assert.Equal("https", server.Endpoint.Scheme);
        var key = server.CreateTenantKey(tenant: "t/");

        string? thumbprint = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
            {
                thumbprint = presented?.Thumbprint;
                return true;
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = server.Endpoint };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + key.Key);
        using var response = await client.PutAsync(new Uri("v1/objects/over-tls.txt", UriKind.Relative), new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(certificate.Thumbprint, thumbprint);
        Assert.Equal(new byte[] { 1, 2, 3 }, await server.Engine.LoadBytesAsync("t/over-tls.txt"));
    }

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Round-trip through PKCS#12 so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
