namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// Every name under a folder with its kind and content (files), or target (links), read without
/// following links: two snapshots are equal when nothing there was created, removed or changed.
/// </summary>
public static class SandboxSnapshot
{
    /// <summary>The tree under <paramref name="root"/>, leaving out the subtrees named in <paramref name="excluded"/> (absolute paths).</summary>
    public static List<string> Take(string root, params string[] excluded)
    {
        var lines = new List<string>();
        Walk(new DirectoryInfo(root), root, excluded, lines);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static void Walk(DirectoryInfo folder, string root, string[] excluded, List<string> lines)
    {
        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            if (excluded.Contains(entry.FullName, StringComparer.Ordinal))
            {
                continue;
            }

            string relative = Path.GetRelativePath(root, entry.FullName);
            if (entry.LinkTarget is { } target)
            {
                lines.Add($"{relative} -> {target}");
            }
            else if (entry is DirectoryInfo child)
            {
                lines.Add(relative + "/");
                Walk(child, root, excluded, lines);
            }
            else
            {
                lines.Add($"{relative} = {Convert.ToHexString(File.ReadAllBytes(entry.FullName))}");
            }
        }
    }
}
