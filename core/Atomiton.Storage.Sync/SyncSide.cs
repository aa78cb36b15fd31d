namespace Atomiton.Storage.Sync;

/// <summary>One of the two sides of a <see cref="SyncPair"/>.</summary>
public enum SyncSide
{
    /// <summary>The first engine (on the command line, the first pipeline; usually the local one).</summary>
    A = 0,

    /// <summary>The second engine (usually the hub: the cloud every device syncs with).</summary>
    B,
}
