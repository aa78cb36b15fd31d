using System.Globalization;
using System.Text;

namespace Atomiton.Storage.Cloud.Server.Changes;

/// <summary>
/// A change cursor: the log's epoch, the last sequence number the caller has seen, and the prefix
/// (relative to the caller's tenant) it reads. On the wire it is opaque: base64url of
/// <c>c1:&lt;epoch&gt;:&lt;seq&gt;:&lt;prefix&gt;</c>.
/// </summary>
internal readonly record struct ChangeCursor(string Epoch, long Seq, string Prefix)
{
    private const string Version = "c1";

    public string Encode()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Version}:{Epoch}:{Seq}:{Prefix}");
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Reads a cursor; a malformed one is InvalidArgument (400), never an expiry.</summary>
    public static ChangeCursor Decode(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw Malformed("the 'cursor' query parameter is missing");
        }

        string text;
        try
        {
            var base64 = value.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw Malformed("it is not a cursor this server issued");
        }

        var parts = text.Split(':', 4);
        if (parts.Length != 4 || parts[0] != Version || parts[1].Length != 32 || !parts[1].All(char.IsAsciiHexDigitLower)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long seq)
            || !IsValidPrefix(parts[3]))
        {
            throw Malformed("it is not a cursor this server issued");
        }

        return new ChangeCursor(parts[1], seq, parts[3]);
    }

    private static bool IsValidPrefix(string prefix)
    {
        try
        {
            StorageKey.ValidatePrefix(prefix);
            return true;
        }
        catch (StorageException)
        {
            return false;
        }
    }

    private static StorageException Malformed(string problem) =>
        new(StorageErrorCode.InvalidArgument, $"The change cursor is malformed: {problem}. Pass a cursor exactly as GET /v1/changes/cursor or a page of GET /v1/changes returned it.");
}
