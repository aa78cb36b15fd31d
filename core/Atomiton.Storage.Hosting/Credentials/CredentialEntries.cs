using System.Text.Json;

namespace Atomiton.Storage.Hosting.Credentials;

/// <summary>The plaintext of one stage's credential file: each name's value and version, as JSON.</summary>
internal static class CredentialEntries
{
    private const string Format = "atomiton-credentials";

    public static byte[] Write(IReadOnlyDictionary<string, (string Value, string Version)> entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteNumber("version", 1);
            writer.WriteStartObject("entries");
            foreach (var (name, entry) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(name);
                writer.WriteString("value", entry.Value);
                writer.WriteString("version", entry.Version);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads entries; null when the JSON is not a credential file (an authentic file always is, so this means a bug or a foreign writer).</summary>
    public static Dictionary<string, (string Value, string Version)>? Read(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.GetProperty("format").GetString() != Format || root.GetProperty("version").GetInt32() != 1)
            {
                return null;
            }

            var entries = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            foreach (var entry in root.GetProperty("entries").EnumerateObject())
            {
                entries[entry.Name] = (entry.Value.GetProperty("value").GetString()!, entry.Value.GetProperty("version").GetString()!);
            }

            return entries;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
