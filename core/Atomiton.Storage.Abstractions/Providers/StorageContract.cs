namespace Atomiton.Storage.Providers;

/// <summary>The version of this contract. The host refuses plugins built against another major version.</summary>
public static class StorageContract
{
    /// <summary>The contract's major version; it changes only with a breaking change to the contract.</summary>
    public const int MajorVersion = 1;

    /// <summary>
    /// The contract's minor version: 1 added Contract 2 (change feeds, hashes, key rules, traits, token
    /// listings, batch delete). A plugin built against a higher minor version than the host's may call
    /// members the host lacks, so the host refuses it, naming both versions.
    /// </summary>
    public const int MinorVersion = 1;

    /// <summary>The assembly version of the contract the process loaded.</summary>
    public static Version Version { get; } = typeof(StorageContract).Assembly.GetName().Version ?? new Version(MajorVersion, 0);
}
