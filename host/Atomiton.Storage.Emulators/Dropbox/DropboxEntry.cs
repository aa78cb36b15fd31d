namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>One file or folder of the emulated namespace. Files keep their bytes in a file of the emulator's data folder.</summary>
internal sealed class DropboxEntry
{
    public required string PathDisplay { get; init; }

    public required bool IsFolder { get; init; }

    public required string Id { get; init; }

    public string Rev { get; init; } = "";

    public long Size { get; init; }

    public DateTimeOffset ClientModified { get; init; }

    public DateTimeOffset ServerModified { get; init; }

    public string ContentHash { get; init; } = "";

    /// <summary>The file holding the bytes (immutable once written: a new revision gets a new file).</summary>
    public string? BlobPath { get; set; }

    public string Name => PathDisplay[(PathDisplay.LastIndexOf('/') + 1)..];
}
