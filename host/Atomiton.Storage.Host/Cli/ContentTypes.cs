namespace Atomiton.Storage.Host.Cli;

/// <summary>Guesses a content type from a file extension, for the common types only.</summary>
internal static class ContentTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".json"] = "application/json",
        [".txt"] = "text/plain",
        [".md"] = "text/markdown",
        [".csv"] = "text/csv",
        [".xml"] = "application/xml",
        [".html"] = "text/html",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".pdf"] = "application/pdf",
        [".zip"] = "application/zip",
    };

    public static string? Guess(string path) => ByExtension.GetValueOrDefault(Path.GetExtension(path));
}
