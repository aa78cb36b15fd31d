using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Encrypted;

/// <summary>
/// Options of the <c>encrypted</c> wrapper. Give exactly one of <see cref="Key"/> (a raw 256-bit
/// key) or <see cref="Passphrase"/> for the active key <see cref="KeyId"/>; older keys that objects
/// may still be encrypted with go in <see cref="PreviousKeys"/> / <see cref="PreviousPassphrase"/>.
/// Secrets come from <c>env:</c> or <c>file:</c> references and never appear in messages.
/// </summary>
public sealed class EncryptedOptions : IValidatableObject
{
    /// <summary>The production minimum of PBKDF2-HMAC-SHA256 iterations (OWASP 2023).</summary>
    public const int MinimumPbkdf2Iterations = 600_000;

    /// <summary>The active raw key: 32 bytes as base64 (44 characters) or hex (64 characters).</summary>
    [StorageSecret]
    public string? Key { get; set; }

    /// <summary>The active key as a passphrase, stretched with PBKDF2-HMAC-SHA256 and a salt stored in the backend.</summary>
    [StorageSecret]
    public string? Passphrase { get; set; }

    /// <summary>The id of the active key, written into every new object's header: 1–16 of [A-Za-z0-9._-].</summary>
    public string KeyId { get; set; } = "k1";

    /// <summary>Older raw keys, kept for reading: <c>id=key</c> pairs (key base64 or hex) separated by commas or semicolons.</summary>
    [StorageSecret]
    public string? PreviousKeys { get; set; }

    /// <summary>An older passphrase, kept for reading objects written with it, under <see cref="PreviousPassphraseKeyId"/>.</summary>
    [StorageSecret]
    public string? PreviousPassphrase { get; set; }

    /// <summary>The key id <see cref="PreviousPassphrase"/> was used under.</summary>
    public string? PreviousPassphraseKeyId { get; set; }

    /// <summary>PBKDF2 iterations used when this store's salt record is first created (later engines use the stored count).</summary>
    [Range(MinimumPbkdf2Iterations, int.MaxValue, ErrorMessage = "'pbkdf2Iterations' must be at least 600000 (OWASP's minimum for PBKDF2-HMAC-SHA256).")]
    public int Pbkdf2Iterations { get; set; } = MinimumPbkdf2Iterations;

    /// <summary>Encrypt key names too (deterministically), so the backend never sees them.</summary>
    public bool EncryptKeys { get; set; }

    /// <summary>
    /// The key id whose key encrypts names when <see cref="EncryptKeys"/> is on; defaults to
    /// <see cref="KeyId"/>. Names do not change on rotation: after rotating, set this to the old id
    /// and keep that key in the ring.
    /// </summary>
    public string? NameKeyId { get; set; }

    /// <summary>Test-only: lets tests use fewer PBKDF2 iterations. Not bindable from configuration; production validation refuses it.</summary>
    internal int? WeakPbkdf2IterationsForTests { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Key is null == (Passphrase is null))
        {
            yield return new ValidationResult("Set exactly one of 'key' (a raw 256-bit key) or 'passphrase' for the active key.", [nameof(Key), nameof(Passphrase)]);
        }

        if (Key is not null && !KeyMaterial.TryParse(Key, out _))
        {
            yield return new ValidationResult("'key' must be 32 bytes written as base64 (44 characters) or hex (64 characters); the value given is not (it is not shown).", [nameof(Key)]);
        }

        if (Passphrase is { Length: < 12 })
        {
            yield return new ValidationResult("'passphrase' must have at least 12 characters.", [nameof(Passphrase)]);
        }

        if (!EncryptedFormat.IsValidKeyId(KeyId))
        {
            yield return new ValidationResult($"'keyId' '{KeyId}' is invalid: use 1 to {EncryptedFormat.MaxKeyIdLength} characters of letters, digits, '.', '_' or '-'.", [nameof(KeyId)]);
        }

        if (PreviousKeys is not null && KeyMaterial.ParsePairs(PreviousKeys) is { Problem: { } problem })
        {
            yield return new ValidationResult($"'previousKeys' is invalid: {problem}.", [nameof(PreviousKeys)]);
        }

        if (PreviousPassphrase is not null != (PreviousPassphraseKeyId is not null))
        {
            yield return new ValidationResult("'previousPassphrase' and 'previousPassphraseKeyId' go together: set both or neither.", [nameof(PreviousPassphrase), nameof(PreviousPassphraseKeyId)]);
        }
        else if (PreviousPassphraseKeyId is not null && !EncryptedFormat.IsValidKeyId(PreviousPassphraseKeyId))
        {
            yield return new ValidationResult($"'previousPassphraseKeyId' '{PreviousPassphraseKeyId}' is invalid: use 1 to {EncryptedFormat.MaxKeyIdLength} characters of letters, digits, '.', '_' or '-'.", [nameof(PreviousPassphraseKeyId)]);
        }

        if (NameKeyId is not null && !EncryptedFormat.IsValidKeyId(NameKeyId))
        {
            yield return new ValidationResult($"'nameKeyId' '{NameKeyId}' is invalid.", [nameof(NameKeyId)]);
        }
    }

    /// <summary>Never shows secrets.</summary>
    public override string ToString() =>
        $"EncryptedOptions(keyId={KeyId}, key={(Key is null ? "none" : "***")}, passphrase={(Passphrase is null ? "none" : "***")}, encryptKeys={EncryptKeys})";
}
