using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Cloud.Server.Changes;
using Atomiton.Storage.Cloud.Server.Http;
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
    /// anonymous <c>/v1/health</c> and <c>/v1/openapi.json</c>. See <c>docs/cloud-api.md</c>.
    /// </summary>
    /// <param name="endpoints">The application's route builder.</param>
    /// <param name="engine">
    /// The engine or pipeline to serve; the caller keeps ownership. Write it only through this server:
    /// the change feed records the writes the server performs, and misses any other.
    /// </param>
    /// <param name="options">Keys, limits and upload settings; <see cref="CloudServerOptions.Keys"/> is required.</param>
    /// <returns>The <c>/v1</c> group of authenticated endpoints.</returns>
    /// <exception cref="ArgumentException"><see cref="CloudServerOptions.Keys"/> is missing.</exception>
    public static RouteGroupBuilder MapAtomitonCloud(this IEndpointRouteBuilder endpoints, IStorageEngine engine, CloudServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        var logger = endpoints.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger("Atomiton.Storage.Cloud.Server") ?? NullLogger.Instance;
        var gate = new CloudGate(options, logger);
        var sessions = new UploadSessionStore(options);
        var changes = new ChangeLog(engine, options);
        if (endpoints.ServiceProvider.GetService<IHostApplicationLifetime>() is { } lifetime)
        {
            lifetime.ApplicationStopped.Register(gate.Dispose);
            lifetime.ApplicationStopped.Register(sessions.Dispose);
            lifetime.ApplicationStopped.Register(changes.Dispose);
        }

        var objects = new ObjectHandlers(engine, changes, options);
        var listing = new ListingHandlers(engine, options);
        var uploads = new UploadHandlers(engine, sessions, changes, options);
        var transfers = new TransferHandlers(engine, changes);
        var feed = new ChangeHandlers(changes, options);

        endpoints.MapGet("/v1/health", () => Results.Json(new { status = "ok" }));
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
        api.MapGet("/uploads/{id}", uploads.Get).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        api.MapPut("/uploads/{id}", uploads.AppendAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        api.MapPost("/uploads/{id}/commit", uploads.CommitAsync).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        api.MapDelete("/uploads/{id}", uploads.Abort).WithMetadata(new RequiredPermission(ApiKeyPermissions.Write));
        return api;
    }
}
