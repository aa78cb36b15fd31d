using System.Text.Json.Nodes;

namespace Atomiton.Storage.Emulators.OneDrive;

/// <summary>One API answer: status, headers and a JSON body (or none), written to HTTP or into a <c>$batch</c> response.</summary>
internal sealed record GraphResult(int Status, JsonNode? Body = null)
{
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static GraphResult Json(int status, JsonNode body) => new(status, body);

    public static GraphResult Empty(int status) => new(status);

    public GraphResult With(string header, string value)
    {
        Headers[header] = value;
        return this;
    }
}

/// <summary>One API request, from HTTP or from a <c>$batch</c> entry.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path below <c>/v1.0</c>, percent-encoded as sent.</param>
/// <param name="Query">The query string's parameters (decoded).</param>
/// <param name="Header">Reads a request header.</param>
/// <param name="Body">The request body.</param>
internal sealed record GraphCall(string Method, string Path, IReadOnlyDictionary<string, string> Query, Func<string, string?> Header, Stream Body);
