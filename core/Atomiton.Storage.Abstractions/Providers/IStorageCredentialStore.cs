namespace Atomiton.Storage.Providers;

/// <summary>
/// Where a provider keeps secrets it must write back, such as OAuth refresh tokens that the
/// service rotates. The host gives each stage its own store (<see cref="StorageProviderContext.Credentials"/>),
/// so names need only be unique within the stage. The host's stores encrypt at rest; values never
/// appear in messages, logs or <c>ToString()</c>.
/// </summary>
/// <remarks>
/// Writes are compare-and-swap across threads and processes: two processes that refresh one
/// rotating token both read version V, both ask the service, and only the first write with V
/// succeeds; the second gets <see cref="StorageErrorCode.Conflict"/>, re-reads, and uses the winner's
/// token. Implementations are thread-safe.
/// </remarks>
public interface IStorageCredentialStore
{
    /// <summary>Pass as the expected version to write whatever is stored now (a fresh sign-in).</summary>
    public const string AnyVersion = "*";

    /// <summary>Reads a credential.</summary>
    /// <param name="name">The credential's name within the stage: 1–64 characters of letters, digits, <c>.</c>, <c>-</c> and <c>_</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The credential, or null when none is stored under <paramref name="name"/>.</returns>
    /// <exception cref="StorageException">Integrity when the stored form is damaged or tampered with (never a wrong value); AccessDenied or AuthenticationFailed when the store cannot be opened.</exception>
    ValueTask<StorageCredential?> ReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Writes a credential if the stored one is still the expected version.</summary>
    /// <param name="name">The credential's name within the stage.</param>
    /// <param name="value">The secret to store.</param>
    /// <param name="expectedVersion">The version read before (replace exactly that), null (create only: nothing may be stored yet) or <see cref="AnyVersion"/> (replace whatever is stored).</param>
    /// <param name="cancellationToken">Cancels the write; a write that was cancelled either happened whole or not at all.</param>
    /// <returns>The credential as now stored, with its new version.</returns>
    /// <exception cref="StorageException">Conflict when another writer got there first (nothing was changed: re-read and use what it wrote); Integrity, AccessDenied or AuthenticationFailed as for <see cref="ReadAsync"/>.</exception>
    ValueTask<StorageCredential> WriteAsync(string name, string value, string? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Forgets a credential (sign-out).</summary>
    /// <param name="name">The credential's name within the stage.</param>
    /// <param name="expectedVersion">The version read before, or <see cref="AnyVersion"/> to forget whatever is stored.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>True when a credential was forgotten; false when none was stored.</returns>
    /// <exception cref="StorageException">Conflict when the stored version differs from <paramref name="expectedVersion"/>; nothing was changed.</exception>
    ValueTask<bool> DeleteAsync(string name, string expectedVersion = AnyVersion, CancellationToken cancellationToken = default);
}
