using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Plugins.Browser.LocalStorage;

/// <summary>Options of the <c>localstorage</c> engine (plugins.json: <c>"type": "localstorage"</c>).</summary>
public sealed class LocalStorageOptions
{
    /// <summary>The namespace: every object is the localStorage item <c>atomiton:&lt;namespace&gt;:&lt;key&gt;</c>. Default <c>default</c>.</summary>
    [Required]
    public string Namespace { get; set; } = "default";

    /// <summary>
    /// The largest object, in bytes (default 1 MiB). Content is stored as base64 text (4 characters per
    /// 3 bytes, 2 bytes each in UTF-16), and the whole origin shares a few megabytes of localStorage.
    /// </summary>
    [Range(1, 64L * 1024 * 1024)]
    public long MaxObjectSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// What the browser gives one origin, in characters of keys and values, reported as the quota total
    /// (in bytes, two per character). Default 5,242,880 (Chromium and Firefox: 5 Mi characters per origin).
    /// </summary>
    [Range(1, long.MaxValue)]
    public long CapacityCharacters { get; set; } = 5L * 1024 * 1024;
}
