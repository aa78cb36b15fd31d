using Google.Apis.Discovery;
using Google.Apis.Requests;
using Google.Apis.Services;
using Google.Apis.Util;

namespace Atomiton.Storage.Plugins.GoogleDrive.Api;

/// <summary>
/// The base of the typed Drive requests: every parameter is a <see cref="RequestParameterAttribute"/>
/// property registered in <c>InitParameters</c> (Google.Apis refuses unregistered ones).
/// </summary>
internal abstract class DriveRequest<TResponse> : ClientServiceRequest<TResponse>
{
    protected DriveRequest(IClientService service)
        : base(service)
    {
    }

    /// <summary>The partial-response selector; always sent, since v3 returns only id, name and mimeType otherwise.</summary>
    [RequestParameter("fields", RequestParameterType.Query)]
    public string? Fields { get; set; }

    /// <summary>Call from the derived constructor, after the base one (it does not call it).</summary>
    protected void Register(params (string Name, string Type)[] parameters)
    {
        InitParameters();
        RequestParameters.Add("fields", Query("fields"));
        foreach (var (name, type) in parameters)
        {
            RequestParameters.Add(name, new Parameter { Name = name, IsRequired = type == "path", ParameterType = type });
        }
    }

    private static Parameter Query(string name) => new() { Name = name, IsRequired = false, ParameterType = "query" };
}

/// <summary>files.list.</summary>
internal sealed class ListFilesRequest : DriveRequest<DriveFileList>
{
    public ListFilesRequest(IClientService service)
        : base(service) => Register(("q", "query"), ("spaces", "query"), ("pageSize", "query"), ("pageToken", "query"), ("orderBy", "query"));

    [RequestParameter("q", RequestParameterType.Query)]
    public string? Q { get; set; }

    [RequestParameter("spaces", RequestParameterType.Query)]
    public string? Spaces { get; set; }

    [RequestParameter("pageSize", RequestParameterType.Query)]
    public int? PageSize { get; set; }

    [RequestParameter("pageToken", RequestParameterType.Query)]
    public string? PageToken { get; set; }

    [RequestParameter("orderBy", RequestParameterType.Query)]
    public string? OrderBy { get; set; }

    public override string MethodName => "list";

    public override string RestPath => "files";

    public override string HttpMethod => "GET";
}

/// <summary>files.get (metadata).</summary>
internal sealed class GetFileRequest : DriveRequest<DriveFile>
{
    public GetFileRequest(IClientService service, string fileId)
        : base(service)
    {
        FileId = fileId;
        Register(("fileId", "path"));
    }

    [RequestParameter("fileId", RequestParameterType.Path)]
    public string FileId { get; }

    public override string MethodName => "get";

    public override string RestPath => "files/{fileId}";

    public override string HttpMethod => "GET";
}

/// <summary>files.get with <c>alt=media</c>: the content, streamed (<see cref="ClientServiceRequest{T}.ExecuteAsStreamAsync()"/>), ranged through a Range header.</summary>
internal sealed class GetMediaRequest : DriveRequest<string>
{
    public GetMediaRequest(IClientService service, string fileId)
        : base(service)
    {
        FileId = fileId;
        Register(("fileId", "path"), ("alt", "query"));
    }

    [RequestParameter("fileId", RequestParameterType.Path)]
    public string FileId { get; }

    [RequestParameter("alt", RequestParameterType.Query)]
    public string Alt { get; } = "media";

    public override string MethodName => "get";

    public override string RestPath => "files/{fileId}";

    public override string HttpMethod => "GET";
}

/// <summary>files.update (metadata only): rename, appProperties, trash, parents.</summary>
internal sealed class UpdateFileRequest : DriveRequest<DriveFile>
{
    private readonly DriveFile _body;

    public UpdateFileRequest(IClientService service, string fileId, DriveFile body)
        : base(service)
    {
        FileId = fileId;
        _body = body;
        Register(("fileId", "path"));
    }

    [RequestParameter("fileId", RequestParameterType.Path)]
    public string FileId { get; }

    public override string MethodName => "update";

    public override string RestPath => "files/{fileId}";

    public override string HttpMethod => "PATCH";

    protected override object GetBody() => _body;
}

/// <summary>files.delete: permanent (the trash is skipped); 204 with no body.</summary>
internal sealed class DeleteFileRequest : DriveRequest<string>
{
    public DeleteFileRequest(IClientService service, string fileId)
        : base(service)
    {
        FileId = fileId;
        Register(("fileId", "path"));
    }

    [RequestParameter("fileId", RequestParameterType.Path)]
    public string FileId { get; }

    public override string MethodName => "delete";

    public override string RestPath => "files/{fileId}";

    public override string HttpMethod => "DELETE";
}

/// <summary>files.copy: a server-side copy with new metadata.</summary>
internal sealed class CopyFileRequest : DriveRequest<DriveFile>
{
    private readonly DriveFile _body;

    public CopyFileRequest(IClientService service, string fileId, DriveFile body)
        : base(service)
    {
        FileId = fileId;
        _body = body;
        Register(("fileId", "path"));
    }

    [RequestParameter("fileId", RequestParameterType.Path)]
    public string FileId { get; }

    public override string MethodName => "copy";

    public override string RestPath => "files/{fileId}/copy";

    public override string HttpMethod => "POST";

    protected override object GetBody() => _body;
}

/// <summary>files.create without content (a folder).</summary>
internal sealed class CreateFileRequest : DriveRequest<DriveFile>
{
    private readonly DriveFile _body;

    public CreateFileRequest(IClientService service, DriveFile body)
        : base(service)
    {
        _body = body;
        Register();
    }

    public override string MethodName => "create";

    public override string RestPath => "files";

    public override string HttpMethod => "POST";

    protected override object GetBody() => _body;
}

/// <summary>about.get.</summary>
internal sealed class GetAboutRequest : DriveRequest<DriveAbout>
{
    public GetAboutRequest(IClientService service)
        : base(service) => Register();

    public override string MethodName => "get";

    public override string RestPath => "about";

    public override string HttpMethod => "GET";
}

/// <summary>files.generateIds: ids to create files with, so a create retried after a lost answer cannot make a second file.</summary>
internal sealed class GenerateIdsRequest : DriveRequest<DriveGeneratedIds>
{
    public GenerateIdsRequest(IClientService service, int count, string space)
        : base(service)
    {
        Count = count;
        Space = space;
        Register(("count", "query"), ("space", "query"));
    }

    [RequestParameter("count", RequestParameterType.Query)]
    public int Count { get; }

    [RequestParameter("space", RequestParameterType.Query)]
    public string Space { get; }

    public override string MethodName => "generateIds";

    public override string RestPath => "files/generateIds";

    public override string HttpMethod => "GET";
}

/// <summary>changes.getStartPageToken.</summary>
internal sealed class GetStartPageTokenRequest : DriveRequest<DriveStartPageToken>
{
    public GetStartPageTokenRequest(IClientService service)
        : base(service) => Register();

    public override string MethodName => "getStartPageToken";

    public override string RestPath => "changes/startPageToken";

    public override string HttpMethod => "GET";
}

/// <summary>changes.list.</summary>
internal sealed class ListChangesRequest : DriveRequest<DriveChangeList>
{
    public ListChangesRequest(IClientService service, string pageToken)
        : base(service)
    {
        PageToken = pageToken;
        Register(("pageToken", "query"), ("pageSize", "query"), ("spaces", "query"), ("includeRemoved", "query"));
    }

    [RequestParameter("pageToken", RequestParameterType.Query)]
    public string PageToken { get; }

    [RequestParameter("pageSize", RequestParameterType.Query)]
    public int? PageSize { get; set; }

    [RequestParameter("spaces", RequestParameterType.Query)]
    public string? Spaces { get; set; }

    [RequestParameter("includeRemoved", RequestParameterType.Query)]
    public bool? IncludeRemoved { get; set; }

    public override string MethodName => "list";

    public override string RestPath => "changes";

    public override string HttpMethod => "GET";
}
