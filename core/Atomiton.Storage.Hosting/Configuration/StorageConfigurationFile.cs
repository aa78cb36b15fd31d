using Microsoft.Extensions.Configuration;

namespace Atomiton.Storage.Hosting.Configuration;

/// <summary>Loads <c>plugins.json</c> the way the host reads it: the JSON file, then environment variables that override it.</summary>
public static class StorageConfigurationFile
{
    /// <summary>
    /// The prefix of overriding environment variables; <c>__</c> separates levels, so
    /// <c>ATOMITON__STAGES__DISK__OPTIONS__BASEDIR</c> overrides <c>stages.disk.options.baseDir</c>.
    /// </summary>
    public const string EnvironmentPrefix = "ATOMITON__";

    /// <summary>Loads the file at <paramref name="path"/> with environment overrides.</summary>
    /// <exception cref="StorageException">InvalidConfiguration when the file is missing or is not valid JSON.</exception>
    public static IConfigurationRoot Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"The configuration file '{path}' (resolved to '{fullPath}') does not exist. Create it (see docs/plugins-json.md) or pass the right path.")
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
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"The configuration file '{path}' is not valid JSON: {e.InnerException?.Message ?? e.Message}", e)
            { Operation = "configure" };
        }
    }
}
