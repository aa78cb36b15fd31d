using System.Security.Cryptography;
using Atomiton.Storage;

namespace Atomiton.Storage.Emulators.OneDrive;

/// <summary>
/// The emulated drive's state: the item tree (root, the app folder <c>Apps/&lt;app&gt;</c>), the change
/// sequence and tombstones delta reads, upload sessions and copy monitors. Every member is called under
/// <see cref="Gate"/>.
/// </summary>
internal sealed class GraphDriveStore
{
    private long _nextId;

    public GraphDriveStore(GraphDriveOptions options)
    {
        Options = options;
        var now = options.TimeProvider.GetUtcNow();
        Root = NewItem("root", isFolder: true, parent: null, now);
        Items[Root.Id] = Root;
        var apps = CreateFolder(Root, "Apps", now);
        AppFolder = CreateFolder(apps, options.AppName, now);
        OldestDeltaSequence = 0;
    }

    public object Gate { get; } = new();

    public GraphDriveOptions Options { get; }

    public string DriveId { get; } = "b!" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    public GraphDriveItem Root { get; }

    public GraphDriveItem AppFolder { get; }

    public Dictionary<string, GraphDriveItem> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Deleted items, for delta: id, last name, last parent, the sequence of the deletion.</summary>
    public List<(GraphDriveItem Item, long Sequence)> Tombstones { get; } = [];

    public Dictionary<string, GraphUploadSession> UploadSessions { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, GraphCopyMonitor> CopyMonitors { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, GraphDriveItem> Downloads { get; } = new(StringComparer.Ordinal);

    public long Sequence { get; private set; }

    /// <summary>Delta tokens older than this answer 410 resyncRequired.</summary>
    public long OldestDeltaSequence { get; set; }

    public long Used => Root.Size;

    public DateTimeOffset Now => Options.TimeProvider.GetUtcNow();

    public GraphDriveItem CreateFolder(GraphDriveItem parent, string name, DateTimeOffset now)
    {
        var folder = NewItem(name, isFolder: true, parent, now);
        Attach(parent, folder);
        return folder;
    }

    public GraphDriveItem CreateFile(GraphDriveItem parent, string name, byte[] content, string? mimeType)
    {
        var now = Now;
        var file = NewItem(name, isFolder: false, parent, now);
        SetContent(file, content, mimeType);
        Attach(parent, file);
        return file;
    }

    public void SetContent(GraphDriveItem file, byte[] content, string? mimeType)
    {
        file.Content = content;
        file.QuickXorHash = StorageContentHash.Compute(StorageHashAlgorithms.QuickXor, content);
#pragma warning disable CA5350 // Graph reports sha1Hash: the emulator computes what the service publishes.
        file.Sha1Hash = Convert.ToHexString(SHA1.HashData(content));
#pragma warning restore CA5350
        file.Sha256Hash = Convert.ToHexString(SHA256.HashData(content));
        file.MimeType = mimeType ?? file.MimeType ?? "application/octet-stream";
        file.Modified = Now;
        file.FileSystemModified = file.Modified;
        file.Version++;
        file.ContentVersion++;
        Touch(file);
    }

    /// <summary>Records a change of <paramref name="item"/> (and, as OneDrive does, of its ancestors) for delta.</summary>
    public void Touch(GraphDriveItem item)
    {
        for (var current = item; current is not null; current = current.Parent)
        {
            current.ChangeSequence = ++Sequence;
            if (!ReferenceEquals(current, item))
            {
                // A folder's eTag changes with its contents, so If-Match on a folder fails once something lands in it.
                current.Version++;
            }
        }
    }

    public void Attach(GraphDriveItem parent, GraphDriveItem child)
    {
        child.Parent = parent;
        parent.Children[child.Name] = child;
        Items[child.Id] = child;
        Touch(child);
    }

    public void Detach(GraphDriveItem item)
    {
        item.Parent?.Children.Remove(item.Name);
        var parent = item.Parent;
        Forget(item);
        if (parent is not null)
        {
            Touch(parent);
        }
    }

    public GraphDriveItem CopyOf(GraphDriveItem source, GraphDriveItem parent, string name)
    {
        if (!source.IsFolder)
        {
            var copy = CreateFile(parent, name, source.Content, source.MimeType);
            copy.FileSystemModified = source.FileSystemModified;
            copy.FileSystemCreated = source.FileSystemCreated;
            return copy;
        }

        var folder = CreateFolder(parent, name, Now);
        foreach (var child in source.Children.Values.ToList())
        {
            CopyOf(child, folder, child.Name);
        }

        return folder;
    }

    public static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    private void Forget(GraphDriveItem item)
    {
        foreach (var child in item.Children.Values)
        {
            Forget(child);
        }

        Items.Remove(item.Id);
        Tombstones.Add((item, ++Sequence));
    }

    private GraphDriveItem NewItem(string name, bool isFolder, GraphDriveItem? parent, DateTimeOffset now) =>
        new()
        {
            Id = parent is null ? "ROOT" + (++_nextId).ToString("X", System.Globalization.CultureInfo.InvariantCulture) : (++_nextId).ToString("X8", System.Globalization.CultureInfo.InvariantCulture) + "!" + Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToUpperInvariant(),
            Name = name,
            IsFolder = isFolder,
            Created = now,
            Modified = now,
            FileSystemCreated = now,
            FileSystemModified = now,
        };
}

/// <summary>An upload session (createUploadSession): where the file goes and the bytes received so far, in order.</summary>
internal sealed class GraphUploadSession
{
    public required string Id { get; init; }

    public required GraphDriveItem Parent { get; init; }

    public required string Name { get; init; }

    public required string ConflictBehavior { get; init; }

    public string? IfMatch { get; init; }

    public long? DeclaredSize { get; init; }

    public MemoryStream Received { get; } = new();

    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A copy's monitor: asked once it reports inProgress, then the outcome (as the service's monitors do, asynchronously).</summary>
internal sealed class GraphCopyMonitor
{
    public string? ResourceId { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public int Polls { get; set; }
}
