using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>Options of the <c>dropbox</c> engine: the app, where keys live, how names map, and transfer tuning.</summary>
public sealed class DropboxOptions : IValidatableObject
{
    /// <summary>The app key from the Dropbox App Console. PKCE needs no app secret.</summary>
    [Required]
    public string? AppKey { get; set; }

    /// <summary>The app's access type, as chosen in the App Console: <see cref="DropboxAccess.AppFolder"/> (paths are inside <c>/Apps/&lt;app&gt;</c>) or <see cref="DropboxAccess.Full"/> (the whole Dropbox; <see cref="Root"/> is then required).</summary>
    public DropboxAccess Access { get; set; } = DropboxAccess.AppFolder;

    /// <summary>The folder keys live under, such as <c>/backups</c> (relative to the app folder with app-folder access); empty for the top. Required with full access.</summary>
    public string Root { get; set; } = "";

    /// <summary>How keys become Dropbox names: <see cref="DropboxNameMode.Native"/> (as they are; Dropbox's rules apply) or <see cref="DropboxNameMode.Encoded"/> (escaped so every key round-trips exactly).</summary>
    public DropboxNameMode NameMode { get; set; } = DropboxNameMode.Native;

    /// <summary>
    /// Objects up to this size go in one <c>files/upload</c>; larger ones (or of unknown length) go
    /// through an upload session in chunks of this size, each held in memory until Dropbox
    /// acknowledged it. Default 8 MiB; at most 150 MiB (Dropbox's limit per request).
    /// </summary>
    [Range(256 * 1024, 150 * 1024 * 1024)]
    public int ChunkSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>At most this many requests per second to Dropbox (a token bucket); null (the default) for no limit of this client's own.</summary>
    [Range(0.1, 10_000)]
    public double? RequestsPerSecond { get; set; }

    /// <summary>A fixed access token (a secret reference, <c>env:NAME</c> or <c>file:PATH</c>) instead of a sign-in; it is never refreshed. Leave empty to sign in with <c>atomiton-storage auth login</c>.</summary>
    [StorageSecret]
    public string? AccessToken { get; set; }

    /// <summary>The scopes asked for at sign-in (the app must have them enabled in the App Console).</summary>
    public IList<string> Scopes { get; set; } = ["account_info.read", "files.metadata.read", "files.metadata.write", "files.content.read", "files.content.write"];

    /// <summary>The RPC host. Default <c>https://api.dropboxapi.com/</c>; an emulator's address in tests.</summary>
    public string ApiAddress { get; set; } = "https://api.dropboxapi.com/";

    /// <summary>The content host (uploads and downloads). Default <c>https://content.dropboxapi.com/</c>.</summary>
    public string ContentAddress { get; set; } = "https://content.dropboxapi.com/";

    /// <summary>The long-poll host. Default <c>https://notify.dropboxapi.com/</c>.</summary>
    public string NotifyAddress { get; set; } = "https://notify.dropboxapi.com/";

    /// <summary>The authorization page. Default <c>https://www.dropbox.com/oauth2/authorize</c>.</summary>
    public string AuthorizeAddress { get; set; } = "https://www.dropbox.com/oauth2/authorize";

    /// <summary>The token endpoint. Default <c>https://api.dropboxapi.com/oauth2/token</c>.</summary>
    public string TokenAddress { get; set; } = "https://api.dropboxapi.com/oauth2/token";

    /// <summary>How long one operation keeps retrying transient failures (connection errors, timeouts, 429, 5xx), counted from its first failure. Default two minutes; zero disables retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>At most this many retries per operation, within <see cref="RetryBudget"/>; null (the default) for no count limit.</summary>
    [Range(0, 10_000)]
    public int? MaxRetries { get; set; }

    /// <summary>The first retry's delay, doubled (with jitter) up to 30 seconds; Dropbox's Retry-After wins. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long one request may wait for Dropbox's response headers. Default 100 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The addresses are absolute http(s) URLs; full access needs a root folder; the root is a Dropbox folder path.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { (nameof(ApiAddress), ApiAddress), (nameof(ContentAddress), ContentAddress), (nameof(NotifyAddress), NotifyAddress), (nameof(AuthorizeAddress), AuthorizeAddress), (nameof(TokenAddress), TokenAddress) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult($"{char.ToLowerInvariant(name[0])}{name[1..]} must be an absolute http:// or https:// URL; it is '{value}'.", [name]);
            }
        }

        if (Access == DropboxAccess.Full && DropboxPaths.NormalizeRoot(Root).Length == 0)
        {
            yield return new ValidationResult("With full Dropbox access, set root to the folder the keys live in (such as /atomiton), so the stage never writes at the top of the user's Dropbox.", [nameof(Root)]);
        }

        if (DropboxPaths.ExplainRoot(Root) is { } problem)
        {
            yield return new ValidationResult($"root '{Root}' {problem}; give a folder path such as /backups.", [nameof(Root)]);
        }
    }

    /// <summary>Names the app and root only; tokens never appear.</summary>
    public override string ToString() => $"dropbox appKey={AppKey} access={Access} root={Root} nameMode={NameMode}";
}

/// <summary>A Dropbox app's access type (fixed when the app is created in the App Console).</summary>
public enum DropboxAccess
{
    /// <summary>The app sees only its own folder, <c>/Apps/&lt;app name&gt;</c>.</summary>
    AppFolder,

    /// <summary>The app sees the whole Dropbox.</summary>
    Full,
}

/// <summary>How keys become Dropbox names.</summary>
public enum DropboxNameMode
{
    /// <summary>Keys are Dropbox paths as they are: readable in Dropbox, but case-insensitive, with Dropbox's forbidden names and characters (declared in the key rules).</summary>
    Native,

    /// <summary>Upper-case letters, non-ASCII and unsafe characters are escaped (<c>%XX</c>), so keys differing only in case are distinct and every character round-trips; segments are limited to 85 bytes.</summary>
    Encoded,
}
