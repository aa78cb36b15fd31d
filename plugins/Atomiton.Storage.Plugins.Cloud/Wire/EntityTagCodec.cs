using System.Text;

namespace Atomiton.Storage.Plugins.Cloud.Wire;

/// <summary>
/// Carries an engine's opaque ETag in HTTP's quoted entity-tag syntax: <c>"</c> + the ETag with
/// <c>%</c>, <c>"</c> and every byte outside visible ASCII percent-encoded + <c>"</c>, exactly
/// as the server encodes it. The client only sends entity-tags; it reads them from X-Atomiton-Item.
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
}
