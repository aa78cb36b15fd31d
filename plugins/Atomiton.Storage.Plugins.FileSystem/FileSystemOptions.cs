using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>Options of the <c>filesystem</c> engine, validated when the pipeline is built.</summary>
public sealed class FileSystemOptions
{
    /// <summary>
    /// The folder that holds every object. A relative path resolves against the folder of
    /// <c>plugins.json</c>. No key ever reaches outside it.
    /// </summary>
    [Required(ErrorMessage = "baseDir is required: set it to the folder the filesystem engine stores objects in.")]
    [StoragePath]
    public string BaseDir { get; set; } = string.Empty;

    /// <summary>
    /// True to flush content and directory entries to stable storage (fsync) before a save or
    /// delete returns: slower, but a power loss never loses an acknowledged write.
    /// </summary>
    public bool Durable { get; set; }

    /// <summary>True (the default) to create <see cref="BaseDir"/> when it does not exist; false to fail at start-up instead.</summary>
    public bool CreateIfMissing { get; set; } = true;

    /// <summary>The largest object accepted, in bytes; a larger save fails with ObjectTooLarge. Null for no limit.</summary>
    [Range(0, long.MaxValue)]
    public long? MaxObjectSize { get; set; }

    /// <summary>
    /// How long a write waits for another writer (in this or another process) of a key that hashes
    /// to the same lock before failing with a transient Timeout. Default 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
