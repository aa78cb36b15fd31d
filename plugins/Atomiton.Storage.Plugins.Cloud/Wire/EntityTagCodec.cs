using System.Text;

namespace Atomiton.Storage.Cloud.Wire;

/// <summary>
/// Carries an engine's opaque ETag in HTTP's quoted entity-tag syntax: <c>"</c> + the ETag with
/// <c>%</c>, <c>"</c> and every byte outside visible ASCII percent-encoded + <c>"</c>. Shared by the
/// server and the <c>cloud</c> plugin; the client only sends entity-tags (it reads them from
/// X-Atomiton-Item), and the server adds the decoding in a partial file of its own.
/// </summary>
internal static partial class EntityTagCodec
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
