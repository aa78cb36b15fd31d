namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>One file or folder of the emulated namespace. Files keep their bytes in a file of the emulator's data folder.</summary>
internal sealed class DropboxEntry
{
    public required string PathDisplay { get; set; }

    public required bool IsFolder { get; init; }

    public required string Id { get; init; }

    public string Rev { get; set; } = "";

    public long Size { get; set; }

    public DateTimeOffset ClientModified { get; set; }

    public DateTimeOffset ServerModified { get; set; }

    public string ContentHash { get; set; } = "";

    /// <summary>The file holding the bytes (immutable once written: a new revision gets a new file).</summary>
    public string? BlobPath { get; set; }

    public string Name => PathDisplay[(PathDisplay.LastIndexOf('/') + 1)..];
}
