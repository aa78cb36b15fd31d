using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Plugins.Browser.IndexedDb;
using Atomiton.Storage.Plugins.Browser.LocalStorage;

namespace Atomiton.Storage.Plugins.Browser;

/// <summary>Options of the <c>browser</c> stage: the <c>createStorage()</c> fallback chain, or one engine by name.</summary>
public sealed class BrowserStorageOptions
{
    /// <summary>
    /// <c>auto</c> (default): IndexedDB if it opens, else localStorage, else memory (with a warning).
    /// <c>indexeddb</c>, <c>localstorage</c> or <c>memory</c>: that engine, no fallback (an explicit engine wins).
    /// </summary>
    [Required]
    [RegularExpression("^(auto|indexeddb|localstorage|memory)$", ErrorMessage = "engine must be one of auto, indexeddb, localstorage, memory.")]
    public string Engine { get; set; } = "auto";

    /// <summary>The IndexedDB database name (as <see cref="IndexedDbOptions.DatabaseName"/>) and the localStorage namespace.</summary>
    [Required]
    public string Name { get; set; } = "atomiton-storage";

    /// <summary>The IndexedDB database version.</summary>
    [Range(1, int.MaxValue)]
    public int Version { get; set; } = 1;

    /// <summary>Ask the browser for persistent storage (IndexedDB).</summary>
    public bool Persist { get; set; }

    /// <summary>The largest object the localStorage fallback stores, in bytes (default 1 MiB).</summary>
    [Range(1, 64L * 1024 * 1024)]
    public long LocalStorageMaxObjectSize { get; set; } = 1024 * 1024;

    internal IndexedDbOptions IndexedDb => new() { DatabaseName = Name, Version = Version, Persist = Persist };

    internal LocalStorageOptions LocalStorage => new() { Namespace = Name, MaxObjectSize = LocalStorageMaxObjectSize };
}
