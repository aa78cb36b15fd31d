using System.Security.Cryptography;
using Atomiton.Storage.Encrypted;

namespace Atomiton.Storage.Tests.Encrypted;

public sealed class SegmentKeyDerivationTests
{
    [Fact]
    public void The_two_HMAC_derivation_equals_HKDF_DeriveKey_for_random_keys_and_salts()
    {
        var random = new Random(20261202);
        var ringKey = new byte[32];
        var salt = new byte[EncryptedFormat.SaltSize];
        var expected = new byte[32];
        var actual = new byte[32];
        for (int i = 0; i < 200; i++)
        {
            random.NextBytes(ringKey);
            random.NextBytes(salt);

            HKDF.DeriveKey(HashAlgorithmName.SHA256, ringKey, expected, salt, EncryptedFormat.SegmentKeyInfo);
            ObjectCipher.DeriveSegmentKey(ringKey, salt, actual);

            Assert.Equal(expected, actual);
        }
    }
}
