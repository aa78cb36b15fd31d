using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>The committed OpenAPI document is the one served, and it describes every endpoint the server maps.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task Served_document_is_the_committed_one_and_needs_no_key()
    {
        await using var server = await CloudTestServer.StartAsync();
        using var client = server.RawClient();
        using var response = await client.GetAsync(new Uri("v1/openapi.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = await response.Content.ReadAsStringAsync();
        Assert.Equal(await File.ReadAllTextAsync(CommittedDocumentPath()), served);
        Assert.Equal("3.1.0", JsonDocument.Parse(served).RootElement.GetProperty("openapi").GetString());
    }

    [Fact]
    public async Task Every_mapped_endpoint_and_method_is_in_the_document()
    {
        await using var server = await CloudTestServer.StartAsync();
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(CommittedDocumentPath()));
        var paths = document.RootElement.GetProperty("paths");
        var endpoints = server.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/').Replace("{**key}", "{key}", StringComparison.Ordinal);
            Assert.True(paths.TryGetProperty(path, out var operations), $"{path} is mapped but not documented.");
            foreach (var method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods)
            {
                Assert.True(operations.TryGetProperty(method.ToLowerInvariant(), out _), $"{method} {path} is mapped but not documented.");
            }
        }
    }

    private static string CommittedDocumentPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "docs", "cloud-openapi.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/cloud-openapi.json was not found above the test's folder.");
    }
}
