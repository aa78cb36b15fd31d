using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Cloud.Server.Changes;
using Atomiton.Storage.Cloud.Server.Database;
using Atomiton.Storage.Cloud.Server.Http;
using Atomiton.Storage.Cloud.Server.State;
using Atomiton.Storage.Cloud.Server.Uploads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atomiton.Storage.Cloud.Server;

/// <summary>Maps the Atomiton Cloud API (<c>/v1/…</c>) onto any ASP.NET Core application.</summary>
public static class CloudEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the versioned API over <paramref name="engine"/>: objects, listing, info, server-side
    /// copy and move, the change feed and upload sessions behind API-key authentication, per-key rate limits and tenant confinement, plus the
    /// anonymous <c>/v1/health</c>, <c>/v1/openapi.json</c>, <c>/healthz</c> (liveness) and <c>/readyz</c>
    /// (readiness: the database and the served storage answer). See <c>docs/cloud-api.md</c>.
    /// </summary>
    /// <param name="endpoints">The application's route builder.</param>
    /// <param name="engine">
    /// The engine or pipeline to serve; the caller keeps ownership. Write it only through this server:
    /// the change feed records the writes the server performs, and misses any other.
    /// </param>
    /// <param name="options">Keys, limits and upload settings; <see cref="CloudServerOptions.Keys"/> or <see cref="CloudServerOptions.Database"/> is required.</param>
    /// <returns>The <c>/v1</c> group of authenticated endpoints.</returns>
    /// <exception cref="ArgumentException">Neither <see cref="CloudServerOptions.Keys"/> nor <see cref="CloudServerOptions.Database"/> is given, or both are.</exception>
    public static RouteGroupBuilder MapAtomitonCloud(this IEndpointRouteBuilder endpoints, IStorageEngine engine, CloudServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        ValidateStateOptions(options);
        var logger = endpoints.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger("Atomiton.Storage.Cloud.Server") ?? NullLogger.Instance;
        IApiKeyAuthenticator keys;
        IRequestRateLimiter? limiter;
        IUploadSessionStore sessions;
        IChangeLog changes;
        if (options.Database is { } database)
        {
            keys = database.CreateAuthenticator();
            limiter = options.RateLimitPermits is { } permits ? new DatabaseRateLimiter(database, permits, options.RateLimitWindow) : null;
            sessions = new DatabaseUploadSessionStore(database, options);
            changes = new DatabaseChangeLog(database, engine, options);
        }
        else
        {
            keys = options.Keys!;
            limiter = options.RateLimitPermits is { } permits ? new LocalRateLimiter(permits, options.RateLimitWindow) : null;
            sessions = new UploadSessionStore(options);
            changes = new ChangeLog(engine, options);
        }

        var gate = new CloudGate(keys, limiter, options, logger);
        if (endpoints.ServiceProvider.GetService<IHostApplicationLifetime>() is { } lifetime)
        {
            lifetime.ApplicationStopped.Register(gate.Dispose);
            if (limiter is not null)
            {
                lifetime.ApplicationStopped.Register(limiter.Dispose);
            }

            lifetime.ApplicationStopped.Register(sessions.Dispose);
            lifetime.ApplicationStopped.Register(changes.Dispose);
        }

        var objects = new ObjectHandlers(engine, changes, options);
        var listing = new ListingHandlers(engine, options, new ListingTokenSealer(
            options.Database?.ListingTokenKey ?? ListingTokenKeyFile.ReadOrCreate(options.Keys!.FilePath, logger), options.TimeProvider));
        var uploads = new UploadHandlers(engine, sessions, changes, options);
        var transfers = new TransferHandlers(engine, changes);
        var feed = new ChangeHandlers(changes, options);

        var health = new HealthHandlers(engine, options.Database);
        endpoints.MapGet("/v1/health", () => Results.Json(new { status = "ok" }));
        endpoints.MapGet("/healthz", HealthHandlers.Live);
        endpoints.MapGet("/readyz", health.ReadyAsync);
        endpoints.MapGet("/v1/openapi.json", () => Results.Stream(OpenApiDocument.Open(), "application/json"));

        var api = endpoints.MapGroup("/v1").AddEndpointFilter(gate);
        api.MapGet("/info", listing.InfoAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Read));
        api.MapGet("/list", listing.ListAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Read));
        api.MapGet("/objects/{**key}", objects.GetAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Read));
        api.MapMethods("/objects/{**key}", [HttpMethods.Head], objects.HeadAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Read));
        api.MapPut("/objects/{**key}", objects.PutAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        api.MapDelete("/objects/{**key}", objects.DeleteAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        api.MapPost("/copy", transfers.CopyAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        api.MapPost("/move", transfers.MoveAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        api.MapGet("/changes/cursor", feed.CursorAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Read));
        api.MapGet("/changes", feed.ReadAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Read));
        api.MapGet("/changes/wait", feed.WaitAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Read));
        api.MapPost("/uploads", uploads.CreateAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        api.MapGet("/uploads/{id}", uploads.GetAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        api.MapPut("/uploads/{id}", uploads.AppendAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        api.MapPost("/uploads/{id}/commit", uploads.CommitAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        api.MapDelete("/uploads/{id}", uploads.AbortAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        return api;
    }

    /// <summary>Throws unless exactly one home for the server's state is given.</summary>
    internal static void ValidateStateOptions(CloudServerOptions options)
    {
        if (options.Keys is null && options.Database is null)
        {
            throw new ArgumentException("CloudServerOptions.Keys or CloudServerOptions.Database is required: create a key file with 'atomiton-storage cloud keys create', or give the database of a replicated server (docs/cloud-deploy.md).", nameof(options));
        }

        if (options.Keys is not null && options.Database is not null)
        {
            throw new ArgumentException("Give CloudServerOptions.Keys (a key file, one machine) or CloudServerOptions.Database (replicas), not both: with a database the keys live in it.", nameof(options));
        }
    }
}
