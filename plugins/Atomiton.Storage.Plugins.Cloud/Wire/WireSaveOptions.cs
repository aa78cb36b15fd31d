namespace Atomiton.Storage.Cloud.Wire;

/// <summary>The content type and user metadata of a save, sent base64url-encoded in the <c>X-Atomiton-Options</c> header.</summary>
internal sealed record WireSaveOptions
{
    public string? ContentType { get; init; }

    public Dictionary<string, string>? Metadata { get; init; }
}
