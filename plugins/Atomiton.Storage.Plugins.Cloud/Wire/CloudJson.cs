using System.Text.Json;
using System.Text.Json.Serialization;

namespace Atomiton.Storage.Cloud.Wire;

/// <summary>The JSON settings of the wire format: camelCase, nulls omitted.</summary>
internal static class CloudJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Headers carry this JSON base64-encoded, so raw UTF-8 is safe and keeps metadata headers small.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Base64url (no padding) of the UTF-8 JSON of <paramref name="value"/>, for a header.</summary>
    public static string ToHeader<T>(T value) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(value, Options)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Reads a header written by <see cref="ToHeader"/>; false when malformed.</summary>
    public static bool TryFromHeader<T>(string value, out T? result)
    {
        result = default;
        try
        {
            var base64 = value.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            result = JsonSerializer.Deserialize<T>(Convert.FromBase64String(base64), Options);
            return result is not null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }
}
