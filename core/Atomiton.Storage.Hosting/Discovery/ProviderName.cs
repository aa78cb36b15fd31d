namespace Atomiton.Storage.Hosting.Discovery;

/// <summary>The grammar of provider names (the <c>type</c> in <c>plugins.json</c>).</summary>
internal static class ProviderName
{
    /// <summary>Lowercase ASCII letters, digits and '-', starting with a letter or digit, at most 64 characters.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.Length <= 64
        && name[0] != '-'
        && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');
}
