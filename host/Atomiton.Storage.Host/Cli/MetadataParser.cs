namespace Atomiton.Storage.Host.Cli;

/// <summary>Parses repeated <c>--metadata name=value</c> options.</summary>
internal static class MetadataParser
{
    public static IReadOnlyDictionary<string, string>? Parse(string[]? pairs)
    {
        if (pairs is null || pairs.Length == 0)
        {
            return null;
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CommandLineException(ExitCodes.Usage, $"--metadata '{pair}' is not name=value; write it as --metadata author=ada.");
            }

            metadata[pair[..equals]] = pair[(equals + 1)..];
        }

        return metadata;
    }
}
