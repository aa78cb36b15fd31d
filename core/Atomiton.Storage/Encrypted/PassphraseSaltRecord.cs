using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Atomiton.Storage.Encrypted;

/// <summary>
/// The PBKDF2 salt and iteration count of a store, kept in the backend under
/// <see cref="StorageKey"/> <c>.atomiton-encryption</c> so every engine over that backend derives
/// the same keys. Created once (create-only, so two engines starting together agree).
/// </summary>
internal sealed record PassphraseSaltRecord(byte[] Salt, int Iterations)
{
    public const string ReservedKey = ".atomiton-encryption";

    public static async ValueTask<PassphraseSaltRecord> LoadOrCreateAsync(IStorageEngine inner, int iterationsForNewStore, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await using var read = await inner.OpenReadAsync(ReservedKey, cancellationToken: cancellationToken);
                return Parse(await read.ReadAllAsync(cancellationToken));
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
            {
            }

            var created = new PassphraseSaltRecord(RandomNumberGenerator.GetBytes(32), iterationsForNewStore);
            try
            {
                var options = inner.Capabilities.HasFlag(StorageCapabilities.CreateOnly) ? new SaveOptions { Condition = WriteCondition.IfNotExists } : SaveOptions.Default;
                await inner.SaveAsync(ReservedKey, created.ToJson(), options, cancellationToken);
                return created;
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.Conflict && attempt < 3)
            {
                // Another engine created it first: read theirs.
            }
        }
    }

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", "atomiton-storage passphrase salt");
            writer.WriteNumber("version", 1);
            writer.WriteString("kdf", "PBKDF2-HMAC-SHA256");
            writer.WriteNumber("iterations", Iterations);
            writer.WriteString("salt", Convert.ToBase64String(Salt));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static PassphraseSaltRecord Parse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            int iterations = root.GetProperty("iterations").GetInt32();
            byte[] salt = Convert.FromBase64String(root.GetProperty("salt").GetString() ?? "");
            if (root.GetProperty("kdf").GetString() != "PBKDF2-HMAC-SHA256" || salt.Length < 16 || iterations < 1)
            {
                throw new FormatException("unexpected kdf, salt or iteration count");
            }

            return new PassphraseSaltRecord(salt, iterations);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new StorageException(StorageErrorCode.Integrity,
                $"The passphrase salt record '{ReservedKey}' in the backend is malformed ({e.Message}); restore it from a backup, or keys derived from passphrases cannot be reproduced.", e)
            { Key = ReservedKey, Provider = EncryptedEngine.TypeName, Operation = "create" };
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"PassphraseSaltRecord(iterations={Iterations})");
}
