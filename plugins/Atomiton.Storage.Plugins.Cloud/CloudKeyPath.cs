namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>Builds <c>v1/objects/…</c> paths: every key segment percent-encoded on its own, so no key character can change the path's structure.</summary>
internal static class CloudKeyPath
{
    public static string ForObject(string key) => "v1/objects/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
}
