namespace Atomiton.Storage.Emulators.OneDrive;

/// <summary>How the emulated Graph drive behaves: its app folder, quota, page sizes and sign-in.</summary>
public sealed class GraphDriveOptions
{
    /// <summary>The loopback port of the API (0, the default, picks a free one). Downloads and uploads use the same port under the other loopback name.</summary>
    public int Port { get; init; }

    /// <summary>The registered application's name: its app folder is <c>Apps/&lt;AppName&gt;</c>.</summary>
    public string AppName { get; init; } = "Atomiton Emulator";

    /// <summary>The client id the OAuth endpoints accept (a public client: PKCE or device code, no secret).</summary>
    public string ClientId { get; init; } = "test-client";

    /// <summary>The drive's quota in bytes; a write beyond it answers 507 <c>quotaLimitReached</c>.</summary>
    public long QuotaTotal { get; init; } = 5L * 1024 * 1024 * 1024;

    /// <summary>Children per page when the request has no <c>$top</c> (Graph's default is 200).</summary>
    public int ChildrenPageSize { get; init; } = 200;

    /// <summary>Changes per delta page.</summary>
    public int DeltaPageSize { get; init; } = 200;

    /// <summary>How long an upload session lives without a fragment (each fragment extends it).</summary>
    public TimeSpan UploadSessionLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The largest body a simple <c>PUT …/content</c> accepts (Graph documents 250 MB).</summary>
    public long MaxSimpleUploadBytes { get; init; } = 250L * 1000 * 1000;

    /// <summary>How long access tokens the OAuth endpoints issue live.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Awaited before each refresh grant is answered, with the refresh token presented (tests hold two clients' refreshes of one token until both have asked, to race them); null answers at once.</summary>
    public Func<string, Task>? BeforeRefresh { get; init; }

    /// <summary>The clock (tests pass a fake one to expire sessions and tokens without waiting).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
