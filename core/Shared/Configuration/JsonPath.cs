using System.Globalization;
using System.Text;

namespace Atomiton.Storage.Hosting.Configuration;

/// <summary>Turns configuration paths (<c>pipelines:local:chain:0</c>) into JSON paths (<c>$.pipelines.local.chain[0]</c>).</summary>
internal static class JsonPath
{
    public static string FromConfigurationPath(string configurationPath)
    {
        var builder = new StringBuilder("$");
        if (configurationPath.Length == 0)
        {
            return builder.ToString();
        }

        foreach (string segment in configurationPath.Split(':'))
        {
            if (segment.Length > 0 && segment.All(char.IsAsciiDigit))
            {
                builder.Append('[').Append(segment).Append(']');
            }
            else if (segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$'))
            {
                builder.Append('.').Append(segment);
            }
            else
            {
                builder.Append("['").Append(segment.Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
            }
        }

        return builder.ToString();
    }

    public static string Combine(string configurationPath, string child) =>
        FromConfigurationPath(configurationPath.Length == 0 ? child : configurationPath + ":" + child);

    public static string Index(string configurationPath, int index) =>
        FromConfigurationPath(configurationPath + ":" + index.ToString(CultureInfo.InvariantCulture));
}
