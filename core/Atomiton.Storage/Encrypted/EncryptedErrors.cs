namespace Atomiton.Storage.Encrypted;

/// <summary>The errors of the encrypted engine; they name the key and key id, never key material.</summary>
internal static class EncryptedErrors
{
    public static StorageException Tampered(string key, string what, Exception? cause = null) =>
        new(StorageErrorCode.Integrity,
            $"The encrypted object under key '{key}' is not authentic: {what}. It was altered, truncated, extended, reordered or swapped with another object in the backend; restore it from a backup. No plaintext from the damaged part was returned.",
            cause)
        { Key = key, Provider = EncryptedEngine.TypeName };

    public static StorageException UnknownKeyId(string key, string keyId) =>
        new(StorageErrorCode.AuthenticationFailed,
            $"The encrypted object under key '{key}' was written with key id '{keyId}', which is not in this engine's key ring. Add that key (for example under 'previousKeys') to read it.")
        { Key = key, Provider = EncryptedEngine.TypeName };

    public static StorageException WrongKey(string key, string keyId) =>
        new(StorageErrorCode.AuthenticationFailed,
            $"The encrypted object under key '{key}' was written with a different key or passphrase than the one configured for key id '{keyId}' (wrong key or passphrase, or a passphrase salt record that was replaced). Configure the key that wrote it.")
        { Key = key, Provider = EncryptedEngine.TypeName };
}
