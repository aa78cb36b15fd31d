namespace Atomiton.Storage.Providers;

/// <summary>The version of this contract. The host refuses plugins built against another major version.</summary>
public static class StorageContract
{
    /// <summary>
    /// The contract's major version; it changes only with a breaking change to the contract. 2 is Contract 2:
    /// listing no longer implies order and recursion (declare <see cref="StorageCapabilities.OrderedList"/> and
    /// <see cref="StorageCapabilities.RecursiveList"/>), and case-insensitivity became a trait; see docs/contract.md.
    /// </summary>
    public const int MajorVersion = 2;

    /// <summary>The assembly version of the contract the process loaded.</summary>
    public static Version Version { get; } = typeof(StorageContract).Assembly.GetName().Version ?? new Version(MajorVersion, 0);
}
