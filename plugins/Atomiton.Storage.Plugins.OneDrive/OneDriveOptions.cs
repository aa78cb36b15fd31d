using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>Options of the <c>onedrive</c> engine: the app registration, the tenant, where keys live, and transfer tuning.</summary>
public sealed class OneDriveOptions : IValidatableObject
{
    /// <summary>The size a fragment of an upload session must be a multiple of (320 KiB).</summary>
    public const int FragmentUnit = 320 * 1024;

    /// <summary>The application (client) id of your app registration in Microsoft Entra (a public client: "Allow public client flows" on, redirect <c>http://localhost</c>).</summary>
    [Required]
    public string? ClientId { get; set; }

    /// <summary>
    /// Who may sign in: <c>consumers</c> (personal Microsoft accounts, the default), <c>organizations</c>,
    /// <c>common</c> (both), or an organisation's tenant id or domain.
    /// </summary>
    [Required]
    public string Tenant { get; set; } = "consumers";

    /// <summary>
    /// Where keys live: null or empty (the default) for the app folder (<c>Apps/&lt;app name&gt;</c>, scope
    /// <c>Files.ReadWrite.AppFolder</c>); otherwise a folder path from the drive's root, such as <c>Backups/photos</c>
    /// (scope <c>Files.ReadWrite</c>: the app may then see the whole drive).
    /// </summary>
    public string? Folder { get; set; }

    /// <summary>Native names (the default) or the reversible encoding; see <see cref="OneDriveNameMode"/> and docs/providers/onedrive.md.</summary>
    public OneDriveNameMode NameMode { get; set; } = OneDriveNameMode.Native;

    /// <summary>Objects up to this size go in one PUT; larger ones through an upload session. Default 4 MiB.</summary>
    [Range(0, 60 * 1024 * 1024)]
    public int SimpleUploadLimit { get; set; } = 4 * 1024 * 1024;

    /// <summary>The upload session's fragment size: a multiple of 320 KiB below 60 MiB. Default 10 MiB (32 × 320 KiB); each fragment is held in memory while it is sent.</summary>
    [Range(FragmentUnit, 180 * FragmentUnit)]
    public int ChunkSize { get; set; } = 32 * FragmentUnit;

    /// <summary>At most this many requests per second to Graph (null, the default: no limit other than the service's own throttling).</summary>
    [Range(0.1, 10_000)]
    public double? RequestsPerSecond { get; set; }

    /// <summary>Retries of one request after 429, 5xx or a dropped connection (Retry-After is honoured). Default 6.</summary>
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 6;

    /// <summary>The first retry's delay without Retry-After, doubled each time up to 30 seconds. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The Graph endpoint, version included. Default <c>https://graph.microsoft.com/v1.0</c>; national clouds or the emulator (<c>atomiton-storage emulate onedrive</c>) change it.</summary>
    [Required]
    public string GraphBaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";

    /// <summary>
    /// The Microsoft identity platform host (https; MSAL refuses anything else); the tenant follows it to make
    /// MSAL's authority, such as <c>https://login.microsoftonline.com/consumers/</c>. Default
    /// <c>https://login.microsoftonline.com/</c>; national clouds or the emulator change it.
    /// </summary>
    [Required]
    public string AuthorityHost { get; set; } = "https://login.microsoftonline.com/";

    /// <summary>
    /// Only for a test authority on loopback, such as <c>atomiton-storage emulate onedrive</c> (which prints it):
    /// the SHA-256 thumbprint (64 hexadecimal digits) of its self-signed certificate. Sign-in then trusts that one
    /// certificate and no other, and skips MSAL's instance discovery and authority validation, which only
    /// Microsoft's own hosts can answer. Null (the default) for Microsoft's authorities.
    /// </summary>
    public string? AuthorityCertificateThumbprint { get; set; }

    /// <summary>Checks the URLs, the chunk size's 320 KiB rule and the folder path.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(GraphBaseUrl, UriKind.Absolute, out var graph) || !(graph.Scheme == "https" || (graph.Scheme == "http" && graph.IsLoopback)))
        {
            yield return new ValidationResult($"graphBaseUrl must be an absolute https:// URL (http:// only on loopback, for the emulator); it is '{GraphBaseUrl}'.", [nameof(GraphBaseUrl)]);
        }

        if (!Uri.TryCreate(AuthorityHost, UriKind.Absolute, out var authority) || authority.Scheme != "https")
        {
            yield return new ValidationResult($"authorityHost must be an absolute https:// URL (MSAL signs in only over https; the emulator serves its authority over https too); it is '{AuthorityHost}'.", [nameof(AuthorityHost)]);
        }
        else if (AuthorityCertificateThumbprint is { } thumbprint)
        {
            if (!authority.IsLoopback)
            {
                yield return new ValidationResult($"authorityCertificateThumbprint pins a test authority's certificate and applies only to a loopback authorityHost (such as the emulator's); '{AuthorityHost}' is not loopback, so remove the thumbprint.", [nameof(AuthorityCertificateThumbprint)]);
            }

            if (thumbprint.Replace(":", "", StringComparison.Ordinal).Trim() is not { Length: 64 } digits || !digits.All(Uri.IsHexDigit))
            {
                yield return new ValidationResult("authorityCertificateThumbprint must be the SHA-256 thumbprint of the authority's certificate: 64 hexadecimal digits, as `atomiton-storage emulate onedrive` prints it.", [nameof(AuthorityCertificateThumbprint)]);
            }
        }

        if (ChunkSize % FragmentUnit != 0)
        {
            yield return new ValidationResult($"chunkSize must be a multiple of 320 KiB ({FragmentUnit} bytes), as Graph's upload sessions require; {ChunkSize} is not (try {Math.Max(1, ChunkSize / FragmentUnit) * FragmentUnit}).", [nameof(ChunkSize)]);
        }

        if (Folder is { Length: > 0 } folder && (folder.Contains('\\', StringComparison.Ordinal) || folder.Split('/', StringSplitOptions.RemoveEmptyEntries).Any(s => s is "." or "..")))
        {
            yield return new ValidationResult($"folder must be a path from the drive's root with '/' between folders and no '.' or '..' (such as Backups/photos); it is '{folder}'.", [nameof(Folder)]);
        }
    }

    /// <summary>
    /// The Graph scope this configuration asks MSAL for: the app folder's or the whole drive's. MSAL adds
    /// <c>openid profile offline_access</c> itself (offline access is what gives the refresh token).
    /// </summary>
    internal IReadOnlyList<string> ResourceScopes => string.IsNullOrEmpty(Folder) ? ["Files.ReadWrite.AppFolder"] : ["Files.ReadWrite"];

    /// <summary>Names the client, tenant and folder; no secret is ever held here.</summary>
    public override string ToString() => $"onedrive client={ClientId} tenant={Tenant} folder={(string.IsNullOrEmpty(Folder) ? "app folder" : Folder)} names={NameMode}";
}
