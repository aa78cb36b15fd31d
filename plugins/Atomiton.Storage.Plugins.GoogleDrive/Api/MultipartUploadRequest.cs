using System.Net.Http.Headers;
using System.Text;
using Google.Apis.Services;
using Google.Apis.Util;

namespace Atomiton.Storage.Plugins.GoogleDrive.Api;

/// <summary>
/// files.create (POST) or files.update (PATCH) with <c>uploadType=multipart</c>: one
/// <c>multipart/related</c> request carrying the metadata JSON and the content. Google.Apis has no
/// class for it (its generated code sends all media through <see cref="Google.Apis.Upload.ResumableUpload"/>),
/// so this typed request sends its body through the service's HTTP client, with the same handlers.
/// </summary>
internal sealed class MultipartUploadRequest : DriveRequest<DriveFile>
{
    private readonly string _method;

    public MultipartUploadRequest(DriveApiService service, string? fileId, DriveFile metadata, ReadOnlyMemory<byte> content, string contentType)
        : base(service)
    {
        FileId = fileId;
        _method = fileId is null ? "POST" : "PATCH";
        if (fileId is null)
        {
            Register(("uploadType", "query"));
        }
        else
        {
            Register(("fileId", "path"), ("uploadType", "query"));
        }

        string json = service.Serializer.Serialize(metadata);
        ModifyRequest = request =>
        {
            // The metadata route, moved under /upload/ as Drive's media endpoints are.
            request.RequestUri = new Uri(request.RequestUri!.AbsoluteUri.Replace("/drive/v3/", "/upload/drive/v3/", StringComparison.Ordinal));
            var body = new MultipartContent("related", "atomiton-" + Guid.NewGuid().ToString("N"));
            body.Add(new StringContent(json, Encoding.UTF8, "application/json"));
            var media = new ReadOnlyMemoryContent(content);
            media.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            body.Add(media);
            request.Content = body;
        };
    }

    [RequestParameter("fileId", RequestParameterType.Path)]
    public string? FileId { get; }

    [RequestParameter("uploadType", RequestParameterType.Query)]
    public string UploadType { get; } = "multipart";

    public override string MethodName => FileId is null ? "create" : "update";

    public override string RestPath => FileId is null ? "files" : "files/{fileId}";

    public override string HttpMethod => _method;
}
