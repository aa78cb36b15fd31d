using Atomiton.Storage.Emulators.GoogleDrive;
using Atomiton.Storage.Emulators.OAuth;

namespace Atomiton.Storage.Emulators;

/// <summary>Every emulator <c>atomiton-storage emulate</c> can start, by name.</summary>
public static class EmulatorCatalog
{
    /// <summary>The emulators, in the order <c>emulate --list</c> shows them. Each service emulator adds itself here.</summary>
    public static IReadOnlyList<IStorageEmulator> All { get; } =
    [
        new OAuthAuthorityEmulator(),
        new GoogleDriveEmulator(),
        new Dropbox.DropboxEmulator(),
        new OneDrive.OneDriveEmulator(),
    ];

    /// <summary>Finds an emulator by name (ordinal, case-insensitive).</summary>
    /// <param name="name">The name given on the command line.</param>
    /// <returns>The emulator, or null when there is none of that name.</returns>
    public static IStorageEmulator? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
}
