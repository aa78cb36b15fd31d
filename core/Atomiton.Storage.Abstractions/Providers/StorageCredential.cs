namespace Atomiton.Storage.Providers;

/// <summary>
/// One secret a plugin keeps in the host's credential store (for example an OAuth token set it
/// serialised), with the version to pass back for a compare-and-swap write.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> never shows <see cref="Value"/>, so a credential logged or put in an
/// exception message by mistake leaks nothing.
/// </remarks>
public sealed class StorageCredential
{
    /// <summary>Creates a credential as read from a store.</summary>
    /// <param name="value">The secret, exactly as written.</param>
    /// <param name="version">An opaque version that changes on every write of this name.</param>
    public StorageCredential(string value, string version)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrEmpty(version);
        Value = value;
        Version = version;
    }

    /// <summary>The secret. Never log it, put it in a message or show it.</summary>
    public string Value { get; }

    /// <summary>An opaque version: pass it to <see cref="IStorageCredentialStore.WriteAsync"/> to replace exactly this value.</summary>
    public string Version { get; }

    /// <summary>The version only; the value is never shown.</summary>
    public override string ToString() => $"StorageCredential(version={Version}, value=<redacted>)";
}
