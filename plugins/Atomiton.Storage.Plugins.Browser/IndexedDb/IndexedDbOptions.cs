using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Plugins.Browser.IndexedDb;

/// <summary>Options of the <c>indexeddb</c> engine (plugins.json: <c>"type": "indexeddb"</c>).</summary>
public sealed class IndexedDbOptions
{
    /// <summary>The IndexedDB database: one per name in the page's origin (scheme, host and port). Default <c>atomiton-storage</c>.</summary>
    [Required]
    public string DatabaseName { get; set; } = "atomiton-storage";

    /// <summary>The database version; raise it only to move every tab to a newer schema. Default 1.</summary>
    [Range(1, int.MaxValue)]
    public int Version { get; set; } = 1;

    /// <summary>Ask the browser for persistent storage (<c>navigator.storage.persist()</c>), so it is not evicted under storage pressure. Default false.</summary>
    public bool Persist { get; set; }

    /// <summary>How many changes the change journal keeps (older cursors are CursorExpired, trusted). Default 10,000.</summary>
    [Range(100, 10_000_000)]
    public int ChangeRetentionEntries { get; set; } = 10_000;
}
