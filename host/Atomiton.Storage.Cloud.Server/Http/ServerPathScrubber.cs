using System.Text.RegularExpressions;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>
/// Replaces absolute server paths in a message meant for a caller with <c>[server path]</c>:
/// rooted POSIX paths of two or more segments (<c>/srv/data</c>), drive paths (<c>C:\data</c>) and
/// UNC paths (<c>\\host\share</c>). The API's own routes (<c>/v1/…</c>) and the caller's own key
/// where quoted (<c>'key'</c>, as messages name keys) are left as they are, so a key that merely
/// looks like a path is still echoed.
/// </summary>
internal static partial class ServerPathScrubber
{
    public const string Replacement = "[server path]";

    /// <summary>The message with server paths replaced; quoted occurrences of <paramref name="callerKey"/> are kept verbatim.</summary>
    public static string Scrub(string message, string? callerKey)
    {
        var quotedKey = "'" + callerKey + "'";
        if (string.IsNullOrEmpty(callerKey) || !message.Contains(quotedKey, StringComparison.Ordinal))
        {
            return AbsolutePath().Replace(message, Replacement);
        }

        var parts = message.Split(quotedKey);
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = AbsolutePath().Replace(parts[i], Replacement);
        }

        return string.Join(quotedKey, parts);
    }

    [GeneratedRegex("""(?<![\w.%~+\-/\\])(?:/(?!v1/)[^\s'"()/\\]+/[^\s'"()]*|[A-Za-z]:\\[^\s'"()]*|\\\\[^\s'"()\\]+\\[^\s'"()]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex AbsolutePath();
}
