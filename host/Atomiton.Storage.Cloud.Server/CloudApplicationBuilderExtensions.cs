using Atomiton.Storage.Cloud.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Atomiton.Storage.Cloud.Server;

/// <summary>Middleware that belongs in front of <see cref="CloudEndpointRouteBuilderExtensions.MapAtomitonCloud"/>.</summary>
public static class CloudApplicationBuilderExtensions
{
    /// <summary>
    /// Refuses, with <c>400 InvalidKey</c> problem details, a request whose raw target has a
    /// <c>.</c> or <c>..</c> segment (literal or percent-encoded) and that reaches <c>/v1/</c> before
    /// or after the server normalises its path — Kestrel removes dot segments before routing, so
    /// <c>/v1/objects/%2e%2e/a/x</c> would otherwise be routed as <c>/v1/a/x</c> and answer an empty
    /// 404. Any other path under <c>/v1/</c> that matches no endpoint answers <c>404 NotFound</c>
    /// problem details instead of an empty body. <see cref="CloudServer.StartAsync"/> adds it; an
    /// application that maps the API itself adds it with this method.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns><paramref name="app"/>.</returns>
    public static IApplicationBuilder UseAtomitonCloudPathGuard(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(GuardAsync);
    }

    private static async Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        var apiRoot = context.Request.PathBase.Value + "/v1/";
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        bool underApi = rawTarget.StartsWith(apiRoot, StringComparison.Ordinal) || context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal);
        if (underApi && ObjectKeyPath.HasDotSegment(rawTarget))
        {
            await CloudProblem.WriteAsync(context, StatusCodes.Status400BadRequest, StorageErrorCode.InvalidKey,
                "The request path has a '.' or '..' segment (literal or percent-encoded); keys never contain such segments.");
            return;
        }

        await next(context);
        if (underApi && context.GetEndpoint() is null && context.Response.StatusCode == StatusCodes.Status404NotFound && !context.Response.HasStarted)
        {
            await CloudProblem.WriteAsync(context, StatusCodes.Status404NotFound, StorageErrorCode.NotFound,
                $"No endpoint of the Atomiton Cloud API answers {context.Request.Method} on this path. The endpoints are listed in /v1/openapi.json.");
        }
    }
}
