using System.Text.Json.Nodes;

namespace Atomiton.Storage.Host.Cli;

/// <summary>
/// Finds the <c>plugins.json</c> to use: <c>--config</c>; else <c>./plugins.json</c>; else the
/// user's config folder, which is created on first use from the configuration bundled with the
/// tool (pointing at the tool's own plugins, keeping data under the user's config folder).
/// </summary>
internal static class ConfigurationLocator
{
    public const string FileName = "plugins.json";

    /// <summary>The user's config file: <c>~/.config/atomiton-storage/plugins.json</c> on Linux, <c>%APPDATA%\atomiton-storage\plugins.json</c> on Windows.</summary>
    public static string UserConfigurationFile =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "atomiton-storage", FileName);

    /// <summary>Returns the configuration file to load, and a note to show when one was created.</summary>
    public static (string Path, string? Note) Locate(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return (explicitPath, null);
        }

        if (File.Exists(FileName))
        {
            return (FileName, null);
        }

        string user = UserConfigurationFile;
        if (File.Exists(user))
        {
            return (user, null);
        }

        string bundled = Path.Combine(AppContext.BaseDirectory, FileName);
        if (File.Exists(bundled))
        {
            CreateFromBundled(bundled, user);
            return (user, $"Created {user} from the tool's bundled configuration (plugins from {Path.Combine(AppContext.BaseDirectory, "plugins")}).");
        }

        throw new CommandLineException(ExitCodes.Configuration,
            $"No {FileName} found: not in the current folder ({Environment.CurrentDirectory}) nor at {user}. Pass --config <path>, or run from a folder that has one (see docs/cli.md).");
    }

    private static void CreateFromBundled(string bundled, string user)
    {
        var document = JsonNode.Parse(File.ReadAllText(bundled))?.AsObject()
            ?? throw new CommandLineException(ExitCodes.Configuration, $"The tool's bundled configuration {bundled} is empty; reinstall the tool or pass --config.");
        document["pluginDirectories"] = new JsonArray(Path.Combine(AppContext.BaseDirectory, "plugins"));
        document.Remove("$schema");
        Directory.CreateDirectory(Path.GetDirectoryName(user)!);
        string temporary = user + ".tmp";
        File.WriteAllText(temporary, document.ToJsonString(JsonOutput.Indented));
        File.Move(temporary, user, overwrite: true);
    }
}
