using System.Text.Json.Nodes;

namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>
/// An error answer in Drive's published shape:
/// <c>{"error":{"code":…,"message":…,"errors":[{"domain","reason","message","location"?,"locationType"?}]}}</c>.
/// </summary>
internal sealed class DriveError(int status, string domain, string reason, string message, string? location = null, string? locationType = null) : Exception(message)
{
    public int Status { get; } = status;

    public string Reason { get; } = reason;

    public TimeSpan? RetryAfter { get; init; }

    public JsonObject ToJson()
    {
        var single = new JsonObject { ["domain"] = domain, ["reason"] = Reason, ["message"] = Message };
        if (location is not null)
        {
            single["location"] = location;
            single["locationType"] = locationType ?? "parameter";
        }

        return new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = Status,
                ["message"] = Message,
                ["errors"] = new JsonArray(single),
            },
        };
    }

    public static DriveError NotFound(string fileId) => new(404, "global", "notFound", $"File not found: {fileId}.", "fileId");

    public static DriveError Invalid(string parameter, string message) => new(400, "global", "invalid", message, parameter);

    public static DriveError BadRequest(string message) => new(400, "global", "badRequest", message);

    public static DriveError Unauthorized() => new(401, "global", "authError", "Invalid Credentials", "Authorization", "header");

    public static DriveError QuotaExceeded() => new(403, "global", "storageQuotaExceeded", "The user's Drive storage quota has been exceeded.");

    public static DriveError UserRateLimit() => new(403, "usageLimits", "userRateLimitExceeded", "User rate limit exceeded.");

    public static DriveError RateLimit() => new(403, "usageLimits", "rateLimitExceeded", "Rate limit exceeded.");

    public static DriveError TooManyRequests() => new(429, "usageLimits", "rateLimitExceeded", "Too many requests");

    public static DriveError Backend(int status = 500) => new(status, "global", "backendError", "Backend Error");
}
