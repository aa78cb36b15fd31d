namespace Atomiton.Storage.Cloud.Server;

/// <summary>The committed OpenAPI 3.1 document of the API (<c>docs/cloud-openapi.json</c>), embedded in this assembly.</summary>
public static class OpenApiDocument
{
    private const string ResourceName = "Atomiton.Storage.Cloud.Server.cloud-openapi.json";

    /// <summary>Opens the document; the caller disposes the stream.</summary>
    public static Stream Open() =>
        typeof(OpenApiDocument).Assembly.GetManifestResourceStream(ResourceName)
        ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the build.");
}
