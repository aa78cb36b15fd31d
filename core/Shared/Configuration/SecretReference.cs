namespace Atomiton.Storage.Hosting.Options;

/// <summary>
/// Resolves secret references: <c>env:NAME</c> reads an environment variable, <c>file:PATH</c>
/// reads a file (relative to the folder of <c>plugins.json</c>, trailing newline removed).
/// Literals are refused. No message ever contains a secret's value.
/// </summary>
internal static class SecretReference
{
    public const string EnvironmentScheme = "env:";
    public const string FileScheme = "file:";

    /// <summary>Resolves <paramref name="reference"/>.</summary>
    /// <returns>The secret, or why it could not be resolved (and whether only its source is missing).</returns>
    public static (string? Value, string? Problem, bool IsMissing) Resolve(string? reference, string option, string baseDirectory)
    {
        if (reference is not null && reference.StartsWith(EnvironmentScheme, StringComparison.Ordinal))
        {
            string name = reference[EnvironmentScheme.Length..];
            if (name.Length == 0)
            {
                return (null, $"the reference '{EnvironmentScheme}' names no environment variable. Write {EnvironmentScheme}VARIABLE_NAME.", false);
            }

            string? value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(value)
                ? (null, $"the environment variable '{name}' is not set. Set it, or reference a file with {FileScheme}PATH.", true)
                : (value, null, false);
        }

        if (reference is not null && reference.StartsWith(FileScheme, StringComparison.Ordinal))
        {
            string path = reference[FileScheme.Length..];
            if (path.Length == 0)
            {
                return (null, $"the reference '{FileScheme}' names no file. Write {FileScheme}PATH.", false);
            }

            string fullPath = Path.GetFullPath(Path.Combine(baseDirectory, path));
            if (Directory.Exists(fullPath))
            {
                return (null, $"the secret file '{path}' (resolved to '{fullPath}') is a folder. Reference the file inside it that holds the secret.", false);
            }

            if (!File.Exists(fullPath))
            {
                return (null, $"the secret file '{path}' (resolved to '{fullPath}') does not exist. Create it, or reference an environment variable with {EnvironmentScheme}NAME.", true);
            }

            try
            {
                return (File.ReadAllText(fullPath).TrimEnd('\r', '\n'), null, false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, $"the secret file '{path}' (resolved to '{fullPath}') could not be read ({e.GetType().Name}). Check its permissions.", true);
            }
        }

        return (null,
            $"'{option}' is a secret and must be a reference, not a literal value: write \"{EnvironmentScheme}VARIABLE_NAME\" to read it from an environment variable, or \"{FileScheme}PATH\" to read it from a file (relative to the configuration file's folder).",
            false);
    }
}
