using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Atomiton.Storage.Resilience.Audit;

/// <summary>
/// The record format: one JSON object per line, fields in a fixed order, ending with
/// <c>"prev"</c> (the previous record's hash) and <c>"hash"</c>: the lowercase hex SHA-256 of the
/// line's UTF-8 bytes up to (not including) <c>,"hash":…</c>, closed with <c>}</c>. Changing any
/// byte of a record breaks its hash; removing a record breaks the next one's <c>prev</c> and sequence.
/// </summary>
internal static class AuditChain
{
    private const string HashField = ",\"hash\":\"";
    private const int HashLength = 64;

    public static (string Line, AuditHead Head) Format(AuditRecord record, AuditHead previous)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", previous.Sequence + 1);
            json.WriteString("time", record.Time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("pipeline", record.Pipeline);
            json.WriteString("stage", record.Stage);
            json.WriteString("op", record.Operation);
            WriteOptional(json, "key", record.Key);
            WriteOptional(json, "to", record.TargetKey);
            if (record.Size is { } size)
            {
                json.WriteNumber("size", size);
            }

            json.WriteString("outcome", record.Outcome);
            WriteOptional(json, "caller", record.Caller);
            json.WriteString("prev", previous.Hash);
            json.WriteEndObject();
        }

        string body = Encoding.UTF8.GetString(buffer.WrittenSpan);
        string hash = Hash(body);
        return (body[..^1] + HashField + hash + "\"}", new AuditHead(previous.Sequence + 1, hash));
    }

    /// <summary>Checks one line against the previous head; returns the new head, or the problem.</summary>
    public static (AuditHead? Head, string? Problem) Check(string line, AuditHead previous)
    {
        int hashAt = line.Length - HashLength - 2;
        if (hashAt - HashField.Length < 1 || !line.EndsWith("\"}", StringComparison.Ordinal) || string.CompareOrdinal(line, hashAt - HashField.Length, HashField, 0, HashField.Length) != 0)
        {
            return (null, "it is not an audit record (no hash at its end; was it cut short or edited?)");
        }

        string hash = line.Substring(hashAt, HashLength);
        string body = line[..(hashAt - HashField.Length)] + "}";
        if (!string.Equals(Hash(body), hash, StringComparison.Ordinal))
        {
            return (null, "its content does not match its hash: the record was altered");
        }

        long sequence;
        string? prev;
        try
        {
            using var document = JsonDocument.Parse(body);
            sequence = document.RootElement.GetProperty("seq").GetInt64();
            prev = document.RootElement.GetProperty("prev").GetString();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return (null, "it is not an audit record (" + e.Message + ")");
        }

        if (sequence != previous.Sequence + 1 || !string.Equals(prev, previous.Hash, StringComparison.Ordinal))
        {
            return (null, $"it is record {sequence} but should be record {previous.Sequence + 1} following hash {previous.Hash[..12]}…: records before it were removed, reordered or inserted");
        }

        return (new AuditHead(sequence, hash), null);
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string Hash(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
}
