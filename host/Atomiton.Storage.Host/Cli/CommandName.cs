namespace Atomiton.Storage.Host.Cli;

/// <summary>
/// How the user can run this tool again from where they are, for the hints it prints: from a
/// clone (the tool is a build output beside its project) <c>dotnet run --project host/… --</c>;
/// installed as a tool, <c>atomiton-storage</c> when its folder is on the PATH, else its path.
/// </summary>
internal static class CommandName
{
    internal const string ToolCommand = "atomiton-storage";

    private const string ProjectFile = "Atomiton.Storage.Host.csproj";

    /// <summary>The words that start the tool, ready to be followed by a command.</summary>
    public static string For(CliEnvironment environment)
    {
        if (FindProject(environment.ToolDirectory) is { } project)
        {
            return $"dotnet run --project {Relative(project, environment.WorkingDirectory)} --";
        }

        if (environment.ProcessPath is { } process
            && string.Equals(Path.GetFileNameWithoutExtension(process), ToolCommand, StringComparison.Ordinal))
        {
            return IsOnSearchPath(Path.GetDirectoryName(process), environment.SearchPath) ? ToolCommand : Runnable(Relative(process, environment.WorkingDirectory));
        }

        string assembly = Path.Combine(environment.ToolDirectory, "Atomiton.Storage.Host.dll");
        return File.Exists(assembly) ? $"dotnet {Relative(assembly, environment.WorkingDirectory)}" : ToolCommand;
    }

    // bin/<configuration>/<framework>/ of the host project: its folder holds the project file.
    private static string? FindProject(string toolDirectory)
    {
        var folder = new DirectoryInfo(toolDirectory);
        for (int level = 0; level < 5 && folder is not null; level++, folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, ProjectFile)))
            {
                return folder.FullName;
            }
        }

        return null;
    }

    private static bool IsOnSearchPath(string? folder, string? searchPath) =>
        folder is not null && searchPath is not null
        && searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(entry => string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(entry)), Path.TrimEndingDirectorySeparator(folder), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));

    // A path under the working folder as a relative one, else as it is.
    private static string Relative(string path, string workingDirectory)
    {
        string relative = Path.GetRelativePath(workingDirectory, path);
        if (Path.IsPathRooted(relative) || relative.StartsWith("..", StringComparison.Ordinal))
        {
            return Quote(path);
        }

        return Quote(relative.Replace(Path.DirectorySeparatorChar, '/'));
    }

    // A launcher named by a relative path runs as ./path, which reads as a path rather than a command name.
    private static string Runnable(string path) => Path.IsPathRooted(path.Trim('"')) ? path : "./" + path;

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
