namespace Atomiton.Storage.Emulators.OneDrive;

/// <summary>One driveItem of the emulated drive: a folder (with children, names compared case-insensitively) or a file (its bytes and hashes).</summary>
internal sealed class GraphDriveItem
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    public GraphDriveItem? Parent { get; set; }

    public bool IsFolder { get; init; }

    /// <summary>Children by name; OneDrive folds case, so "A.txt" and "a.txt" are one name.</summary>
    public Dictionary<string, GraphDriveItem> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

    public byte[] Content { get; set; } = [];

    public string QuickXorHash { get; set; } = "";

    public string Sha1Hash { get; set; } = "";

    public string Sha256Hash { get; set; } = "";

    public string? MimeType { get; set; }

    public DateTimeOffset Created { get; init; }

    public DateTimeOffset Modified { get; set; }

    public DateTimeOffset FileSystemCreated { get; set; }

    public DateTimeOffset FileSystemModified { get; set; }

    /// <summary>Bumped on every change (eTag); <see cref="ContentVersion"/> only on content changes (cTag).</summary>
    public long Version { get; set; } = 1;

    public long ContentVersion { get; set; } = 1;

    /// <summary>The drive's change sequence of this item's last change (delta).</summary>
    public long ChangeSequence { get; set; }

    public string ETag => $"\"{{{Id}}},{Version}\"";

    public string CTag => $"\"c:{{{Id}}},{ContentVersion}\"";

    public long Size => IsFolder ? Children.Values.Sum(c => c.Size) : Content.LongLength;

    /// <summary>The path below the drive root, such as <c>/Apps/Atomiton/a.txt</c> ("" for the root).</summary>
    public string PathBelowRoot => Parent is null ? "" : Parent.PathBelowRoot + "/" + Name;

    public bool Matches(string condition)
    {
        string bare = condition.Trim();
        return bare == "*" || bare == ETag || bare == CTag || bare.Trim('"') == ETag.Trim('"') || bare.Trim('"') == CTag.Trim('"');
    }

    public bool IsWithin(GraphDriveItem folder)
    {
        for (var item = this; item is not null; item = item.Parent)
        {
            if (ReferenceEquals(item, folder))
            {
                return true;
            }
        }

        return false;
    }
}
