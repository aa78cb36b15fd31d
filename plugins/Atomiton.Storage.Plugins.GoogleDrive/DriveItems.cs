using System.Globalization;
using System.Text;
using Atomiton.Storage.Plugins.GoogleDrive.Api;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// How an object is one Drive file: the full key is the file's <c>name</c> (in one folder, so no
/// per-segment folders); content type is <c>mimeType</c> (with the <c>a.ct</c> app property saying one
/// was given); user metadata is <c>appProperties</c> under <c>m.</c>; <see cref="StorageItem.LastModified"/>
/// is <c>modifiedTime</c> (with <c>a.lm</c> saying one was given); <see cref="StorageItem.Updated"/> is
/// <c>modifiedByMeTime</c>, the server's time of this app's last change; the ETag is id and <c>version</c>.
/// </summary>
internal static class DriveItems
{
    /// <summary>The fields of every file the engine reads.</summary>
    public const string FileFields = "id,name,mimeType,size,md5Checksum,sha1Checksum,sha256Checksum,createdTime,modifiedTime,modifiedByMeTime,version,trashed,parents,appProperties";

    /// <summary>Drive: at most 30 app properties per file, key and value together at most 124 UTF-8 bytes.</summary>
    public const int MaxProperties = 30;

    public const int MaxPropertyBytes = 124;

    public const string MetadataPrefix = "m.";

    public const string ContentTypeMarker = "a.ct";

    public const string LastModifiedMarker = "a.lm";

    public const string DefaultMimeType = "application/octet-stream";

    /// <summary>User metadata entries that fit beside the two markers.</summary>
    public const int MaxMetadataEntries = MaxProperties - 2;

    /// <summary>One user metadata entry's name and value, in UTF-8 bytes (the <c>m.</c> prefix takes two).</summary>
    public const int MaxMetadataEntryBytes = MaxPropertyBytes - 2;

    public static StorageItem ToItem(DriveFile file)
    {
        var properties = file.AppProperties ?? new Dictionary<string, string?>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in properties)
        {
            if (name.StartsWith(MetadataPrefix, StringComparison.Ordinal) && value is not null)
            {
                metadata[name[MetadataPrefix.Length..]] = value;
            }
        }

        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(hashes, StorageHashAlgorithms.Md5, file.Md5Checksum);
        Add(hashes, StorageHashAlgorithms.Sha1, file.Sha1Checksum);
        Add(hashes, StorageHashAlgorithms.Sha256, file.Sha256Checksum);
        var modified = Time(file.ModifiedTime);
        return new StorageItem
        {
            Key = file.Name ?? "",
            Size = file.Size ?? 0,
            Created = Time(file.CreatedTime),
            Updated = file.ModifiedByMeTime is null ? modified : Time(file.ModifiedByMeTime),
            ETag = file.Id + "." + (file.Version ?? 0).ToString(CultureInfo.InvariantCulture),
            ContentType = properties.ContainsKey(ContentTypeMarker) ? file.MimeType : null,
            Metadata = StorageMetadata.Freeze(metadata),
            Hashes = hashes,
            LastModified = properties.ContainsKey(LastModifiedMarker) ? modified : null,
            ItemId = file.Id,
        };
    }

    /// <summary>The app properties of a save: the new metadata and markers, and null for every property of <paramref name="previous"/> that goes (Drive merges them).</summary>
    public static Dictionary<string, string?> PropertiesOf(SaveOptions options, IDictionary<string, string?>? previous)
    {
        var properties = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in previous?.Keys ?? [])
        {
            properties[name] = null;
        }

        if (options.ContentType is not null)
        {
            properties[ContentTypeMarker] = "1";
        }

        if (options.LastModified is not null)
        {
            properties[LastModifiedMarker] = "1";
        }

        foreach (var (name, value) in options.Metadata ?? new Dictionary<string, string>())
        {
            properties[MetadataPrefix + name] = value;
        }

        return properties;
    }

    /// <summary>Refuses metadata Drive cannot keep (InvalidArgument naming the entry and the limit); nothing is written.</summary>
    public static void CheckMetadataFits(string key, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        if (metadata.Count > MaxMetadataEntries)
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"Key '{key}' has {metadata.Count} metadata entries; Google Drive keeps at most {MaxMetadataEntries} per file (30 app properties, 2 used by the plugin). Nothing was written.")
            { Key = key };
        }

        foreach (var (name, value) in metadata)
        {
            int bytes = Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
            if (bytes > MaxMetadataEntryBytes)
            {
                throw new StorageException(StorageErrorCode.InvalidArgument, $"Metadata '{name}' of key '{key}' is {bytes} UTF-8 bytes (name and value); Google Drive keeps at most {MaxMetadataEntryBytes} per entry (124 per app property, 2 used by the plugin's prefix). Shorten it; nothing was written.")
                { Key = key };
            }
        }
    }

    public static string RfcTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The duplicate-name rule: the most recently modified (by <see cref="StorageItem.Updated"/>) wins, ties by the smallest id.</summary>
    public static DriveFile Winner(IEnumerable<DriveFile> files) =>
        files.OrderByDescending(f => Time(f.ModifiedByMeTime ?? f.ModifiedTime)).ThenBy(f => f.Id, StringComparer.Ordinal).First();

    private static DateTimeOffset Time(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime() : DateTimeOffset.UnixEpoch;

    private static void Add(Dictionary<string, string> hashes, string algorithm, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            hashes[algorithm] = value.ToLowerInvariant();
        }
    }
}
