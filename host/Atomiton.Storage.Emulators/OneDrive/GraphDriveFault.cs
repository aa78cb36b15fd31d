namespace Atomiton.Storage.Emulators.OneDrive;

/// <summary>What a scripted fault does to a matching request.</summary>
public enum GraphDriveFaultKind
{
    /// <summary>Answers with <see cref="GraphDriveFault.Status"/>, Graph's error JSON with <see cref="GraphDriveFault.Code"/>, and <c>Retry-After</c> when set.</summary>
    Answer,

    /// <summary>Drops the connection after reading the request, before any response byte.</summary>
    DropConnection,

    /// <summary>Lets the request pass, then expires every upload session (the next fragment gets 404, as after the service's expiry).</summary>
    ExpireUploadSessions,

    /// <summary>Answers 401 <c>InvalidAuthenticationToken</c> and forgets the request's access token (it expired early).</summary>
    RevokeAccessToken,
}

/// <summary>A fault the emulator applies to the next <see cref="Times"/> requests that match.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="Matches">Which requests (method, path and query as sent, on either host name).</param>
/// <param name="Times">How many matching requests it applies to.</param>
public sealed record GraphDriveFault(GraphDriveFaultKind Kind, Func<GraphDriveRequest, bool> Matches, int Times = 1)
{
    /// <summary>The HTTP status of an <see cref="GraphDriveFaultKind.Answer"/> fault.</summary>
    public int Status { get; init; } = 503;

    /// <summary>The Graph error code in the body, such as <c>activityLimitReached</c> or <c>quotaLimitReached</c>.</summary>
    public string Code { get; init; } = "serviceNotAvailable";

    /// <summary>The <c>Retry-After</c> header's seconds, when set.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>A 429 with <c>Retry-After</c>, as Graph throttles.</summary>
    public static GraphDriveFault Throttle(Func<GraphDriveRequest, bool> matches, int retryAfterSeconds = 1, int times = 1) =>
        new(GraphDriveFaultKind.Answer, matches, times) { Status = 429, Code = "activityLimitReached", RetryAfterSeconds = retryAfterSeconds };

    /// <summary>An error answer with Graph's JSON shape.</summary>
    public static GraphDriveFault Error(Func<GraphDriveRequest, bool> matches, int status, string code, int times = 1) =>
        new(GraphDriveFaultKind.Answer, matches, times) { Status = status, Code = code };
}

/// <summary>A request as the emulator received it (for fault predicates and request counts).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Host">The host name it was sent to (<c>127.0.0.1</c> for the API, <c>localhost</c> for downloads and uploads).</param>
/// <param name="Target">The path and query, as sent (percent-encoded).</param>
/// <param name="HadAuthorization">Whether an <c>Authorization</c> header came with it.</param>
public sealed record GraphDriveRequest(string Method, string Host, string Target, bool HadAuthorization)
{
    /// <summary>The answer's status (0 when the connection was dropped).</summary>
    public int Status { get; set; }

    /// <summary>True for the download, upload and monitor addresses (the <c>localhost</c> name), which take no token.</summary>
    public bool IsContentHost => Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
}
