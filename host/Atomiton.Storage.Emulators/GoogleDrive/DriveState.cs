using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>The emulated drive: files, the change log and upload sessions, all under one lock.</summary>
internal sealed class DriveState
{
    public const string AppDataSpace = "appDataFolder";
    public const string DriveSpace = "drive";

    private long _nextChange = 1;

    public DriveState(LoopbackDriveServerOptions options, string directory)
    {
        Options = options;
        Directory = directory;
        var now = Now;
        RootId = NewId();
        AppDataId = NewId();
        Files[RootId] = new DriveFile { Id = RootId, Name = "My Drive", MimeType = DriveFile.FolderMimeType, Space = DriveSpace, CreatedTime = now, ModifiedTime = now, ModifiedByMeTime = now };
        Files[AppDataId] = new DriveFile { Id = AppDataId, Name = "Application Data", MimeType = DriveFile.FolderMimeType, Space = AppDataSpace, CreatedTime = now, ModifiedTime = now, ModifiedByMeTime = now };
    }

    public object Gate { get; } = new();

    public LoopbackDriveServerOptions Options { get; }

    public string Directory { get; }

    public string RootId { get; }

    public string AppDataId { get; }

    public Dictionary<string, DriveFile> Files { get; } = new(StringComparer.Ordinal);

    public List<(long Id, string FileId, string Space, bool Removed, DateTimeOffset Time)> Changes { get; } = [];

    public Dictionary<string, UploadSession> Sessions { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset Now => Options.TimeProvider.GetUtcNow();

    public long NextChangeId => _nextChange;

    /// <summary>Bytes of all files' content (the trash included, as Drive counts it).</summary>
    public long UsedBytes => Files.Values.Sum(f => f.Size);

    public string Resolve(string id) => id switch
    {
        "root" => RootId,
        AppDataSpace => AppDataId,
        _ => id,
    };

    public DriveFile Get(string id) =>
        Files.TryGetValue(Resolve(id), out var file) ? file : throw DriveError.NotFound(id);

    public void Record(DriveFile file, bool removed = false) =>
        Changes.Add((_nextChange++, file.Id, file.Space, removed, Now));

    /// <summary>Throws 403 storageQuotaExceeded when adding <paramref name="added"/> bytes (less <paramref name="freed"/>) would pass the quota.</summary>
    public void CheckQuota(long added, long freed = 0)
    {
        if (added > 0 && UsedBytes - freed + added > Options.QuotaBytes)
        {
            throw DriveError.QuotaExceeded();
        }
    }

    public static string NewId()
    {
        // Drive ids: 28–44 characters of [A-Za-z0-9_-].
        return "1" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
    }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The whole File resource; <c>fields</c> picks from it.</summary>
    public static JsonObject ToJson(DriveFile file)
    {
        var json = new JsonObject
        {
            ["kind"] = "drive#file",
            ["id"] = file.Id,
            ["name"] = file.Name,
            ["mimeType"] = file.MimeType,
            ["parents"] = new JsonArray([.. file.Parents.Select(p => (JsonNode)p)]),
            ["spaces"] = new JsonArray(file.Space),
            ["starred"] = false,
            ["trashed"] = file.Trashed,
            ["explicitlyTrashed"] = file.Trashed,
            ["version"] = file.Version.ToString(CultureInfo.InvariantCulture),
            ["createdTime"] = Time(file.CreatedTime),
            ["modifiedTime"] = Time(file.ModifiedTime),
            ["modifiedByMeTime"] = Time(file.ModifiedByMeTime),
            ["modifiedByMe"] = true,
            ["ownedByMe"] = true,
            ["appProperties"] = ToJson(file.AppProperties),
            ["properties"] = ToJson(file.Properties),
        };
        if (file.Description is not null)
        {
            json["description"] = file.Description;
        }

        if (!file.IsFolder)
        {
            json["size"] = file.Size.ToString(CultureInfo.InvariantCulture);
            json["quotaBytesUsed"] = file.Size.ToString(CultureInfo.InvariantCulture);
            json["md5Checksum"] = file.Md5;
            json["sha1Checksum"] = file.Sha1;
            json["sha256Checksum"] = file.Sha256;
            json["headRevisionId"] = "r" + file.Revision.ToString(CultureInfo.InvariantCulture);
            json["originalFilename"] = file.Name;
        }

        return json;
    }

    private static JsonObject ToJson(Dictionary<string, string> values)
    {
        var json = new JsonObject();
        foreach (var (key, value) in values)
        {
            json[key] = value;
        }

        return json;
    }

    /// <summary>A resumable upload in progress.</summary>
    internal sealed class UploadSession
    {
        public required string Id { get; init; }

        /// <summary>The file being replaced, or null for a create.</summary>
        public string? FileId { get; init; }

        public required JsonObject Metadata { get; init; }

        public string? ContentType { get; init; }

        public long? Total { get; set; }

        public required DriveContent Content { get; init; }

        public long Received { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }

        /// <summary>The file once the last byte arrived (a status query then answers 200 with it).</summary>
        public string? CompletedFileId { get; set; }

        /// <summary>True while a chunk is being received (a second concurrent PUT is refused).</summary>
        public bool Busy { get; set; }
    }
}
