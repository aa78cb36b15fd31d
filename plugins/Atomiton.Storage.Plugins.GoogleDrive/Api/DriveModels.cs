using Google.Apis.Requests;
using Newtonsoft.Json;

namespace Atomiton.Storage.Plugins.GoogleDrive.Api;

/// <summary>The File resource fields the plugin reads and writes (times kept as RFC 3339 text).</summary>
internal sealed class DriveFile : IDirectResponseSchema
{
    [JsonProperty("id")]
    public string? Id { get; set; }

    [JsonProperty("name")]
    public string? Name { get; set; }

    [JsonProperty("mimeType")]
    public string? MimeType { get; set; }

    [JsonProperty("parents")]
    public IList<string>? Parents { get; set; }

    [JsonProperty("size")]
    public long? Size { get; set; }

    [JsonProperty("md5Checksum")]
    public string? Md5Checksum { get; set; }

    [JsonProperty("sha1Checksum")]
    public string? Sha1Checksum { get; set; }

    [JsonProperty("sha256Checksum")]
    public string? Sha256Checksum { get; set; }

    [JsonProperty("createdTime")]
    public string? CreatedTime { get; set; }

    [JsonProperty("modifiedTime")]
    public string? ModifiedTime { get; set; }

    [JsonProperty("modifiedByMeTime")]
    public string? ModifiedByMeTime { get; set; }

    [JsonProperty("version")]
    public long? Version { get; set; }

    [JsonProperty("trashed")]
    public bool? Trashed { get; set; }

    /// <summary>Private to this app; on update, a null value deletes the key.</summary>
    [JsonProperty("appProperties")]
    public IDictionary<string, string?>? AppProperties { get; set; }

    [JsonIgnore]
    public string? ETag { get; set; }
}

internal sealed class DriveFileList : IDirectResponseSchema
{
    [JsonProperty("nextPageToken")]
    public string? NextPageToken { get; set; }

    [JsonProperty("files")]
    public IList<DriveFile>? Files { get; set; }

    [JsonIgnore]
    public string? ETag { get; set; }
}

internal sealed class DriveAbout : IDirectResponseSchema
{
    [JsonProperty("user")]
    public DriveUser? User { get; set; }

    [JsonProperty("storageQuota")]
    public DriveStorageQuota? StorageQuota { get; set; }

    [JsonIgnore]
    public string? ETag { get; set; }
}

internal sealed class DriveUser
{
    [JsonProperty("emailAddress")]
    public string? EmailAddress { get; set; }

    [JsonProperty("displayName")]
    public string? DisplayName { get; set; }
}

internal sealed class DriveStorageQuota
{
    [JsonProperty("limit")]
    public long? Limit { get; set; }

    [JsonProperty("usage")]
    public long? Usage { get; set; }
}

internal sealed class DriveGeneratedIds : IDirectResponseSchema
{
    [JsonProperty("ids")]
    public IList<string>? Ids { get; set; }

    [JsonIgnore]
    public string? ETag { get; set; }
}

internal sealed class DriveStartPageToken : IDirectResponseSchema
{
    [JsonProperty("startPageToken")]
    public string? StartPageToken { get; set; }

    [JsonIgnore]
    public string? ETag { get; set; }
}

internal sealed class DriveChangeList : IDirectResponseSchema
{
    [JsonProperty("nextPageToken")]
    public string? NextPageToken { get; set; }

    [JsonProperty("newStartPageToken")]
    public string? NewStartPageToken { get; set; }

    [JsonProperty("changes")]
    public IList<DriveChange>? Changes { get; set; }

    [JsonIgnore]
    public string? ETag { get; set; }
}

internal sealed class DriveChange
{
    [JsonProperty("fileId")]
    public string? FileId { get; set; }

    [JsonProperty("removed")]
    public bool? Removed { get; set; }

    [JsonProperty("file")]
    public DriveFile? File { get; set; }
}
