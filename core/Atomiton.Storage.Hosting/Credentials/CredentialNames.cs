using System.Globalization;
using System.Text;

namespace Atomiton.Storage.Hosting.Credentials;

/// <summary>The rules for credential names and how pipeline and stage names become file and key names.</summary>
internal static class CredentialNames
{
    public static void Check(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is < 1 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new ArgumentException($"A credential name is 1–64 characters of letters, digits, '.', '-' and '_'; '{name}' is not.", nameof(name));
        }
    }

    /// <summary>A pipeline or stage name as one safe path segment: other characters (and a leading dot) become %XX.</summary>
    public static string Segment(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            char c = (char)b;
            bool plain = b < 128 && (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && builder.Length > 0));
            builder.Append(plain ? c.ToString() : "%" + b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
