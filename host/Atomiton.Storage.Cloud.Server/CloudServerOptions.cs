using Atomiton.Storage.Cloud.Server.Auth;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Cloud.Server;

/// <summary>How an Atomiton Cloud server listens, authenticates and limits its callers.</summary>
public sealed class CloudServerOptions
{
    /// <summary>The URLs to listen on, such as <c>http://127.0.0.1:8080</c>; port 0 picks a free port. Use an <c>https://</c> URL with <see cref="ConfigureHttps"/> (or Kestrel certificate configuration) for TLS.</summary>
    public IList<string> Urls { get; } = ["http://127.0.0.1:8080"];

    /// <summary>The API keys in a key file: the single-machine default. Required unless <see cref="Database"/> is set; give one or the other.</summary>
    public ApiKeyStore? Keys { get; set; }

    /// <summary>
    /// The database holding the server's state (keys, upload sessions, rate limits, the change log), for
    /// several replicas serving the same tenants; null (the default) for the files beside <see cref="Keys"/>.
    /// The caller keeps ownership. See <c>docs/cloud-deploy.md</c>.
    /// </summary>
    public Database.CloudDatabase? Database { get; set; }

    /// <summary>The largest request body (a single-request save or one upload chunk), in bytes. Default 16 MiB.</summary>
    public long MaxRequestBodySize { get; set; } = 16L * 1024 * 1024;

    /// <summary>The largest object an upload session may assemble, in bytes. Default 5 GiB.</summary>
    public long MaxObjectSize { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>The most bytes of request headers; bounds options and metadata headers. Default 64 KiB.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 64 * 1024;

    /// <summary>Requests each key may make per <see cref="RateLimitWindow"/>; null for no limit. Default 600.</summary>
    public int? RateLimitPermits { get; set; } = 600;

    /// <summary>The rate-limit window. Default one second.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where upload sessions keep their bytes until committed; survives a restart of the server.
    /// Null (the default) for a folder private to this server beside its key file: the key file's
    /// path with the extension <c>.uploads</c> (<c>cloud-keys.json</c> → <c>cloud-keys.uploads</c>),
    /// created readable by the server's user only — never a folder shared under the temp directory,
    /// and outside the served pipeline, so sessions are never visible as objects.
    /// </summary>
    public string? UploadDirectory { get; set; }

    /// <summary>How long an upload session is kept after its last chunk (or its commit). Default 24 hours.</summary>
    public TimeSpan UploadSessionLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How often abandoned upload sessions are looked for (and once at start): a session's files are
    /// removed at most <see cref="UploadSessionLifetime"/> + this long after its last chunk. Default 15 minutes.
    /// </summary>
    public TimeSpan UploadSweepInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Where the change log (<c>changes.log</c>) is kept; it records every write the server performs
    /// and survives a restart. Null (the default) for a folder private to this server beside its key
    /// file: the key file's path with the extension <c>.changes</c>. The log sees only writes made
    /// through this server: the served pipeline must not be written by anything else, or the change
    /// feed misses those writes. Replacing or losing the folder starts a new epoch (every cursor
    /// expires as Untrusted).
    /// </summary>
    public string? ChangeLogDirectory { get; set; }

    /// <summary>How long the change log keeps changes (tombstones included); an older cursor is expired (Trusted). Default 30 days.</summary>
    public TimeSpan ChangeRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often changes older than <see cref="ChangeRetention"/> are compacted away (and once at start). Default one hour.</summary>
    public TimeSpan ChangeCompactionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest wait <c>GET /v1/changes/wait</c> grants; a longer timeout is cut to it. Default 60 seconds.</summary>
    public TimeSpan MaxChangeWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The clock (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Configures logging; by default warnings and errors go to the console. Request headers (and so keys) are never logged.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>Configures TLS on every HTTPS endpoint (certificate, protocols); see <c>docs/cloud-api.md</c>.</summary>
    public Action<Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions>? ConfigureHttps { get; set; }
}
