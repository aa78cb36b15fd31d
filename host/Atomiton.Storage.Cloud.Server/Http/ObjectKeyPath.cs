using System.Text;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>
/// Reads a storage key from the raw request target (before the server decodes or normalises the
/// path): every segment is percent-decoded on its own, strictly as UTF-8, so <c>%2F</c>,
/// <c>%2e%2e</c> and friends can only ever yield a key that the key grammar then judges.
/// </summary>
internal static class ObjectKeyPath
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes the part of <paramref name="rawTarget"/> after <paramref name="routePrefix"/> into a key.</summary>
    /// <returns>False with <paramref name="problem"/> set when the target is malformed.</returns>
    public static bool TryGetKey(string rawTarget, string routePrefix, out string key, out string? problem)
    {
        key = string.Empty;
        var path = PathOf(rawTarget);
        if (!path.StartsWith(routePrefix, StringComparison.Ordinal))
        {
            problem = $"the request path must start with '{routePrefix}'";
            return false;
        }

        var segments = path[routePrefix.Length..].Split('/');
        var decoded = new string[segments.Length];
        for (int i = 0; i < segments.Length; i++)
        {
            if (!TryDecodeSegment(segments[i], out decoded[i]))
            {
                problem = "a path segment has a malformed percent-encoding or is not UTF-8";
                return false;
            }
        }

        key = string.Join('/', decoded);
        problem = null;
        return true;
    }

    /// <summary>Whether the raw path has a <c>.</c> or <c>..</c> segment, literally or percent-encoded.</summary>
    public static bool HasDotSegment(string rawTarget)
    {
        foreach (var segment in PathOf(rawTarget).Split('/'))
        {
            if (TryDecodeSegment(segment, out var decoded) && decoded is "." or "..")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Percent-decodes one segment; false when an escape is malformed or the bytes are not UTF-8.</summary>
    public static bool TryDecodeSegment(string segment, out string decoded)
    {
        decoded = segment;
        if (!segment.Contains('%', StringComparison.Ordinal))
        {
            return true;
        }

        var bytes = new List<byte>(segment.Length);
        for (int i = 0; i < segment.Length; i++)
        {
            char c = segment[i];
            if (c == '%')
            {
                if (i + 2 >= segment.Length || !char.IsAsciiHexDigit(segment[i + 1]) || !char.IsAsciiHexDigit(segment[i + 2]))
                {
                    return false;
                }

                bytes.Add(Convert.ToByte(segment.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                int next = segment.IndexOf('%', i);
                var run = next < 0 ? segment[i..] : segment[i..next];
                bytes.AddRange(Encoding.UTF8.GetBytes(run));
                i += run.Length - 1;
            }
        }

        try
        {
            decoded = StrictUtf8.GetString([.. bytes]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string PathOf(string rawTarget)
    {
        int end = rawTarget.AsSpan().IndexOfAny('?', '#');
        return end < 0 ? rawTarget : rawTarget[..end];
    }
}
