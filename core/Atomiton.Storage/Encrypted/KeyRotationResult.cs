namespace Atomiton.Storage.Encrypted;

/// <summary>The totals of a key rotation (<see cref="EncryptedEngine.RotateAsync"/>).</summary>
public sealed record KeyRotationResult
{
    /// <summary>Objects looked at.</summary>
    public long Examined { get; init; }

    /// <summary>Objects re-encrypted under the active key.</summary>
    public long Rotated { get; init; }

    /// <summary>Objects that were already under the active key.</summary>
    public long AlreadyCurrent { get; init; }

    /// <summary>Objects changed or deleted by someone else during the rotation (a concurrent write already used the active key).</summary>
    public long Skipped { get; init; }

    internal KeyRotationResult Add(KeyRotationOutcome outcome) => this with
    {
        Examined = Examined + 1,
        Rotated = Rotated + (outcome == KeyRotationOutcome.Rotated ? 1 : 0),
        AlreadyCurrent = AlreadyCurrent + (outcome == KeyRotationOutcome.AlreadyCurrent ? 1 : 0),
        Skipped = Skipped + (outcome == KeyRotationOutcome.Skipped ? 1 : 0),
    };
}
