using System.Globalization;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>
/// Parses the one <c>Range</c> form the API accepts: a single <c>bytes=first-last</c>,
/// <c>bytes=first-</c> or <c>bytes=-suffix</c>. Ranges past the end are clamped, as in the contract.
/// </summary>
internal static class RangeHeader
{
    /// <summary>Parses <paramref name="value"/>; false with <paramref name="problem"/> for anything else.</summary>
    public static bool TryParse(string value, out ByteRange range, out string? problem)
    {
        range = default;
        problem = "expected a single range 'bytes=first-last', 'bytes=first-' or 'bytes=-count'";
        if (!value.StartsWith("bytes=", StringComparison.Ordinal))
        {
            return false;
        }

        var spec = value["bytes=".Length..];
        int dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0 || spec.Contains(',', StringComparison.Ordinal))
        {
            return false;
        }

        var first = spec[..dash];
        var last = spec[(dash + 1)..];
        if (first.Length == 0)
        {
            if (!TryParseNumber(last, out long count))
            {
                return false;
            }

            range = ByteRange.Suffix(count);
        }
        else
        {
            if (!TryParseNumber(first, out long start))
            {
                return false;
            }

            if (last.Length == 0)
            {
                range = ByteRange.From(start);
            }
            else if (!TryParseNumber(last, out long end) || end < start)
            {
                problem = "the last byte of a range must be a number not below the first";
                return false;
            }
            else
            {
                range = ByteRange.From(start, end - start + 1);
            }
        }

        problem = null;
        return true;
    }

    private static bool TryParseNumber(string text, out long number)
    {
        number = 0;
        return text.Length is > 0 and <= 18 && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
