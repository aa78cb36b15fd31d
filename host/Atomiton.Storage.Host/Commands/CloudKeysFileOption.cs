using System.CommandLine;

namespace Atomiton.Storage.Host.Commands;

/// <summary>The <c>--keys</c> option of <c>serve</c> and <c>cloud keys</c>: the API key file both use.</summary>
internal static class CloudKeysFileOption
{
    /// <summary>The default key file, in the current folder.</summary>
    public const string DefaultFile = "cloud-keys.json";

    public static Option<string> Create() => new("--keys")
    {
        Description = $"The API key file (hashes only). Default: ./{DefaultFile}.",
        DefaultValueFactory = _ => DefaultFile,
    };
}
