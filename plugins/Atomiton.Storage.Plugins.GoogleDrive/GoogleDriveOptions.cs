using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>Options of the <c>gdrive</c> engine: the OAuth client, where objects live, and transfer tuning.</summary>
public sealed class GoogleDriveOptions : IValidatableObject
{
    /// <summary>The smallest unit of a resumable upload chunk (Drive's rule): 256 KiB.</summary>
    public const int ChunkGranularity = 256 * 1024;

    /// <summary>The OAuth client id of your Google Cloud project's "Desktop app" client (docs/providers/gdrive.md says how to create one).</summary>
    [Required]
    public string? ClientId { get; set; }

    /// <summary>The OAuth client secret of that client, as a reference (<c>env:NAME</c> or <c>file:PATH</c>); Google's desktop clients need it although it is not confidential.</summary>
    [StorageSecret]
    public string? ClientSecret { get; set; }

    /// <summary>
    /// Where objects live and which Drive scope is asked for: <c>drive.appdata</c> (the default: the
    /// app's hidden app-data folder, a non-sensitive scope) or <c>drive.file</c> (a folder in My
    /// Drive that the user can see, <see cref="FolderName"/> or <see cref="FolderId"/>; only files this
    /// app created are visible to it).
    /// </summary>
    [Required]
    public string Scope { get; set; } = "drive.appdata";

    /// <summary>With <c>drive.file</c>: the name of the folder in My Drive root that holds the objects, created on first use. Default "Atomiton Storage".</summary>
    public string FolderName { get; set; } = "Atomiton Storage";

    /// <summary>With <c>drive.file</c>: the id of a folder this app created (instead of <see cref="FolderName"/>).</summary>
    public string? FolderId { get; set; }

    /// <summary>Files per listing request (Drive allows 1–1000). Default 1000.</summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 1000;

    /// <summary>Objects up to this size are saved in one multipart request; larger ones (or of unknown length past it) through a resumable upload. Default 5 MiB (Drive's guidance); at most <see cref="ChunkSize"/>.</summary>
    [Range(0, 256 * 1024 * 1024)]
    public int MultipartThreshold { get; set; } = 5 * 1024 * 1024;

    /// <summary>The resumable upload chunk, a multiple of 256 KiB; one chunk is held in memory while it is sent. Default 8 MiB.</summary>
    [Range(ChunkGranularity, 256 * 1024 * 1024)]
    public int ChunkSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>The most requests per second this stage sends (a client-side pacer, so bursts stay under Drive's per-user quota). Default 10.</summary>
    [Range(0.1, 10_000)]
    public double RequestsPerSecond { get; set; } = 10;

    /// <summary>How many times a throttled (403 rate limit, 429), failed (5xx) or dropped request is retried, with truncated exponential back-off and jitter. Default 8.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 8;

    /// <summary>The first retry's delay, doubled each time up to <see cref="MaxRetryDelay"/>, plus up to a second of jitter; a Retry-After header wins. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries (Google recommends 32–64 seconds). Default 32 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(32);

    /// <summary>
    /// False (the default): a delete moves the file to Drive's trash, which Drive empties after 30
    /// days (the space stays used until then), and the change feed reports the delete by its key.
    /// True: a delete removes the file for good at once; Drive's change feed then names no key for
    /// it, so the stage offers no change feed.
    /// </summary>
    public bool PermanentDelete { get; set; }

    /// <summary>The Drive API's base address. Default <c>https://www.googleapis.com/drive/v3/</c>; the emulator's (<c>atomiton-storage emulate gdrive</c>) for offline work.</summary>
    [Required]
    public string BaseUri { get; set; } = "https://www.googleapis.com/drive/v3/";

    /// <summary>Google's authorization endpoint (the emulator's for offline work).</summary>
    [Required]
    public string AuthorizationEndpoint { get; set; } = "https://accounts.google.com/o/oauth2/v2/auth";

    /// <summary>Google's token endpoint.</summary>
    [Required]
    public string TokenEndpoint { get; set; } = "https://oauth2.googleapis.com/token";

    /// <summary>Google's revocation endpoint.</summary>
    [Required]
    public string RevokeEndpoint { get; set; } = "https://oauth2.googleapis.com/revoke";

    /// <summary>The scope URL asked for at sign-in.</summary>
    internal string ScopeUrl => "https://www.googleapis.com/auth/" + Scope;

    /// <summary>True when objects live in the app-data folder.</summary>
    internal bool UsesAppData => Scope == "drive.appdata";

    /// <summary>Scope and chunk rules the attributes cannot state; the endpoints are absolute http(s) URLs.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Scope is not ("drive.appdata" or "drive.file"))
        {
            yield return new ValidationResult($"scope must be 'drive.appdata' (the app's hidden folder) or 'drive.file' (a folder of its own in My Drive); '{Scope}' is neither.", [nameof(Scope)]);
        }

        if (ChunkSize % ChunkGranularity != 0)
        {
            yield return new ValidationResult($"chunkSize must be a multiple of 262144 bytes (256 KiB), as Drive requires for resumable uploads; {ChunkSize} is not.", [nameof(ChunkSize)]);
        }

        if (MultipartThreshold > ChunkSize)
        {
            yield return new ValidationResult($"multipartThreshold ({MultipartThreshold}) must not exceed chunkSize ({ChunkSize}), so that at most one chunk is held in memory.", [nameof(MultipartThreshold)]);
        }

        foreach (var (name, value) in new[] { (nameof(BaseUri), BaseUri), (nameof(AuthorizationEndpoint), AuthorizationEndpoint), (nameof(TokenEndpoint), TokenEndpoint), (nameof(RevokeEndpoint), RevokeEndpoint) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult($"{char.ToLowerInvariant(name[0])}{name[1..]} must be an absolute http:// or https:// URL; '{value}' is not.", [name]);
            }
        }
    }

    /// <summary>Names the scope, folder and API base; the client secret never appears.</summary>
    public override string ToString() => $"gdrive scope={Scope}{(UsesAppData ? "" : " folder=" + (FolderId ?? FolderName))} baseUri={BaseUri}";
}
