using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>
/// Seals the served engine's own continuation tokens (which hold engine keys, tenant prefix included,
/// and the backend's markers) into opaque strings a tenant can hold and send back, and opens them again.
/// AES-256-GCM with a random nonce per token; the associated data binds the token format version, the
/// tenant prefix and the listing's options (prefix, recursive, keysOnly), so a token altered, taken to
/// another tenant or to another listing fails authentication. The sealed plaintext starts with the time
/// it was issued: a token older than <see cref="Lifetime"/> is refused. Every replica holding the same
/// key opens every other's tokens.
/// </summary>
internal sealed class ListingTokenSealer
{
    /// <summary>How long a sealed token is accepted after it was issued (documented in docs/cloud-api.md).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>The length of the sealing key in bytes (AES-256).</summary>
    public const int KeyBytes = 32;

    /// <summary>The first byte of every sealed token, also part of the associated data: a new format takes a new value.</summary>
    private const byte Version = 1;

    /// <summary>How far a token's issue time may lie ahead of this replica's clock (replicas' clocks differ a little).</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int IssuedBytes = 8;

    private const string Refused = "The continuation token is not valid for this listing: it was altered, was issued for another listing "
        + "(a different prefix, recursive or keysOnly) or to another account, or has expired (tokens are valid 24 hours). "
        + "Start the listing again without a continuation token.";

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public ListingTokenSealer(byte[] key, TimeProvider time)
    {
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"The listing token key must be {KeyBytes} bytes; it is {key.Length}.", nameof(key));
        }

        _key = key;
        _time = time;
    }

    /// <summary>What a token is bound to: the same values must be given to <see cref="Open"/>.</summary>
    public readonly record struct Binding(string TenantPrefix, string Prefix, bool Recursive, bool KeysOnly);

    /// <summary>Seals an engine token for a tenant; one <see cref="AesGcm"/> serves a whole page.</summary>
    public Sealing Start(Binding binding) => new(this, AssociatedData(binding));

    /// <summary>The engine token inside <paramref name="sealedToken"/>.</summary>
    /// <exception cref="StorageException">InvalidArgument, naming nothing of the token or the listing, when it does not open.</exception>
    public string Open(string sealedToken, Binding binding)
    {
        byte[] raw;
        try
        {
            raw = Base64Url.DecodeFromChars(sealedToken);
        }
        catch (FormatException)
        {
            throw CloudRequest.InvalidArgument(Refused);
        }

        if (raw.Length < 1 + NonceBytes + TagBytes + IssuedBytes || raw[0] != Version)
        {
            throw CloudRequest.InvalidArgument(Refused);
        }

        var plain = new byte[raw.Length - 1 - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(raw.AsSpan(1, NonceBytes), raw.AsSpan(1 + NonceBytes + TagBytes), raw.AsSpan(1 + NonceBytes, TagBytes), plain, AssociatedData(binding));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw CloudRequest.InvalidArgument(Refused);
        }

        var issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plain));
        var now = _time.GetUtcNow();
        if (now - issued > Lifetime || issued - now > ClockSkew)
        {
            throw CloudRequest.InvalidArgument(Refused);
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(plain.AsSpan(IssuedBytes));
        }
        catch (DecoderFallbackException)
        {
            throw CloudRequest.InvalidArgument(Refused);
        }
    }

    /// <summary>Length-prefixed fields, so no two different bindings give the same bytes.</summary>
    private static byte[] AssociatedData(Binding binding)
    {
        var buffer = new List<byte>(64) { Version };
        Add(buffer, "atomiton-list");
        Add(buffer, binding.TenantPrefix);
        Add(buffer, binding.Prefix);
        buffer.Add(binding.Recursive ? (byte)1 : (byte)0);
        buffer.Add(binding.KeysOnly ? (byte)1 : (byte)0);
        return [.. buffer];

        static void Add(List<byte> buffer, string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            buffer.AddRange(length);
            buffer.AddRange(bytes);
        }
    }

    /// <summary>Seals the tokens of one page under one binding.</summary>
    public sealed class Sealing : IDisposable
    {
        private readonly AesGcm _aes;
        private readonly byte[] _associatedData;
        private readonly long _issued;

        internal Sealing(ListingTokenSealer sealer, byte[] associatedData)
        {
            _aes = new AesGcm(sealer._key, TagBytes);
            _associatedData = associatedData;
            _issued = sealer._time.GetUtcNow().ToUnixTimeMilliseconds();
        }

        public string Seal(string engineToken)
        {
            int textBytes = Encoding.UTF8.GetByteCount(engineToken);
            var plain = new byte[IssuedBytes + textBytes];
            BinaryPrimitives.WriteInt64BigEndian(plain, _issued);
            Encoding.UTF8.GetBytes(engineToken, plain.AsSpan(IssuedBytes));
            var raw = new byte[1 + NonceBytes + TagBytes + plain.Length];
            raw[0] = Version;
            var nonce = raw.AsSpan(1, NonceBytes);
            RandomNumberGenerator.Fill(nonce);
            _aes.Encrypt(nonce, plain, raw.AsSpan(1 + NonceBytes + TagBytes), raw.AsSpan(1 + NonceBytes, TagBytes), _associatedData);
            return Base64Url.EncodeToString(raw);
        }

        public void Dispose() => _aes.Dispose();
    }
}
