using Google.Apis.Services;
using Google.Apis.Upload;
using Google.Apis.Util;

namespace Atomiton.Storage.Plugins.GoogleDrive.Api;

/// <summary>
/// files.create (POST) or files.update (PATCH) through Google.Apis' <see cref="ResumableUpload{TRequest, TResponse}"/>:
/// initiation with the metadata, then chunks of <see cref="ResumableUpload.ChunkSize"/>; after a 5xx
/// or a dropped connection it asks the server what it has and resumes from the next byte. It reports
/// failure through its progress, never by throwing.
/// </summary>
internal sealed class DriveResumableUpload : ResumableUpload<DriveFile, DriveFile>
{
    public DriveResumableUpload(IClientService service, string? fileId, DriveFile metadata, Stream content, string contentType)
        : base(service, fileId is null ? "/upload/drive/v3/files" : "/upload/drive/v3/files/{fileId}", fileId is null ? "POST" : "PATCH", content, contentType)
    {
        FileId = fileId;
        Body = metadata;
    }

    [RequestParameter("fileId", RequestParameterType.Path)]
    public string? FileId { get; }

    [RequestParameter("fields", RequestParameterType.Query)]
    public string? Fields { get; set; }
}
