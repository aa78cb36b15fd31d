using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Atomiton.Storage.Hosting.Configuration;

/// <summary>Loads <c>plugins.json</c> the way the host reads it: the JSON file, then environment variables that override it.</summary>
public static partial class StorageConfigurationFile
{
    /// <summary>
    /// The prefix of overriding environment variables; <c>__</c> separates levels, so
    /// <c>ATOMITON__STAGES__DISK__OPTIONS__BASEDIR</c> overrides <c>stages.disk.options.baseDir</c>.
    /// </summary>
    public const string EnvironmentPrefix = "ATOMITON__";

    /// <summary>Loads the file at <paramref name="path"/> with environment overrides.</summary>
    /// <exception cref="StorageException">InvalidConfiguration when the file is missing or is not valid JSON.</exception>
    public static IConfigurationRoot Load(string path) => Load(path, path);

    /// <summary>
    /// Loads the file at <paramref name="path"/> with environment overrides; messages name it
    /// <paramref name="displayName"/> (the file as the user named it).
    /// </summary>
    /// <exception cref="StorageException">
    /// InvalidConfiguration when the file is missing, or is not valid JSON (the message gives the line,
    /// the column and what the parser expected there).
    /// </exception>
    public static IConfigurationRoot Load(string path, string displayName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(displayName);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"The configuration file '{displayName}' (resolved to '{fullPath}') does not exist. Create it (see docs/plugins-json.md) or pass the right path.")
            { Operation = "configure" };
        }

        try
        {
            return new ConfigurationBuilder()
                .AddJsonFile(fullPath, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .Build();
        }
        catch (InvalidDataException e)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration, $"The configuration file '{displayName}' is not valid JSON{Describe(e)}", e)
            { Operation = "configure" };
        }
    }

    // " at line 3, column 3: '"' is invalid after a value. Expected either ',', '}', or ']'." from the
    // parser's JsonException, which the configuration provider wraps twice ("Could not parse the JSON file.").
    private static string Describe(InvalidDataException error)
    {
        for (Exception? cause = error; cause is not null; cause = cause.InnerException)
        {
            if (cause is JsonException { LineNumber: { } line, BytePositionInLine: { } column } json)
            {
                string reason = PositionSuffix().Replace(json.Message, "").TrimEnd();
                return string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, column {column + 1}: {reason}");
            }
        }

        return $": {error.InnerException?.Message ?? error.Message}";
    }

    [GeneratedRegex(@"\s*(Path: \S+ \| )?LineNumber: \d+ \| BytePositionInLine: \d+\.\s*$")]
    private static partial Regex PositionSuffix();
}
