namespace Atomiton.Storage.Mock;

/// <summary>The operations a <see cref="MockEngine"/> counts, delays and can fail.</summary>
public enum MockOperation
{
    /// <summary><see cref="IStorageEngine.SaveAsync"/>.</summary>
    Save = 0,

    /// <summary><see cref="IStorageEngine.OpenReadAsync"/> (every load).</summary>
    Load,

    /// <summary><see cref="IStorageEngine.StatAsync"/>.</summary>
    Stat,

    /// <summary><see cref="IStorageEngine.ExistsAsync"/>.</summary>
    Exists,

    /// <summary><see cref="IStorageEngine.DeleteAsync"/>.</summary>
    Delete,

    /// <summary><see cref="IStorageEngine.ListAsync"/> (counted and failed when enumeration starts).</summary>
    List,

    /// <summary><see cref="IStorageEngine.CopyAsync"/>.</summary>
    Copy,

    /// <summary><see cref="IStorageEngine.MoveAsync"/>.</summary>
    Move,

    /// <summary><see cref="IStorageEngine.GetInfoAsync"/>.</summary>
    GetInfo,
}
