using System.Text;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>
/// Carries an engine's opaque ETag in HTTP's quoted entity-tag syntax: <c>"</c> + the ETag with
/// <c>%</c>, <c>"</c> and every byte outside visible ASCII percent-encoded + <c>"</c>. The same
/// encoding is used by the <c>cloud</c> plugin.
/// </summary>
internal static class EntityTagCodec
{
    /// <summary>The quoted wire form of <paramref name="etag"/>.</summary>
    public static string Encode(string etag)
    {
        var builder = new StringBuilder(etag.Length + 2).Append('"');
        foreach (byte b in Encoding.UTF8.GetBytes(etag))
        {
            if (b is > 0x20 and < 0x7F and not (byte)'"' and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Decodes one quoted entity-tag; false for a weak tag, a list, or anything malformed.</summary>
    public static bool TryDecode(string? value, out string etag)
    {
        etag = string.Empty;
        if (value is null || value.Length < 3 || value[0] != '"' || value[^1] != '"')
        {
            return false;
        }

        var inner = value[1..^1];
        if (inner.Any(c => c is '"' or <= ' ' or >= (char)0x7F))
        {
            return false;
        }

        if (!ObjectKeyPath.TryDecodeSegment(inner, out etag))
        {
            return false;
        }

        return etag.Length > 0;
    }
}
