namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>One Drive file or folder as the emulator holds it; mutated only under the state's lock.</summary>
internal sealed class DriveFile
{
    public const string FolderMimeType = "application/vnd.google-apps.folder";

    public required string Id { get; init; }

    public required string Name { get; set; }

    public required string MimeType { get; set; }

    public List<string> Parents { get; set; } = [];

    /// <summary>"drive" or "appDataFolder".</summary>
    public required string Space { get; init; }

    /// <summary>The content's file (immutable once written; a new write gets a new file), or null for a folder or an empty file.</summary>
    public string? ContentPath { get; set; }

    public long Size { get; set; }

    public string Md5 { get; set; } = "";

    public string Sha1 { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public DateTimeOffset CreatedTime { get; set; }

    /// <summary>Drive's <c>modifiedTime</c>: settable by the client.</summary>
    public DateTimeOffset ModifiedTime { get; set; }

    /// <summary>Drive's <c>modifiedByMeTime</c>: the server's time of the app's last change (read-only).</summary>
    public DateTimeOffset ModifiedByMeTime { get; set; }

    public long Version { get; set; } = 1;

    public int Revision { get; set; } = 1;

    public bool Trashed { get; set; }

    public string? Description { get; set; }

    public Dictionary<string, string> AppProperties { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal);

    public bool IsFolder => MimeType == FolderMimeType;
}
