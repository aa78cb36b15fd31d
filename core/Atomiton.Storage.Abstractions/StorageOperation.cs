namespace Atomiton.Storage;

/// <summary>The names of storage operations as they appear in errors, logs, traces, metrics and audit records: one vocabulary.</summary>
public static class StorageOperation
{
    /// <summary>A save.</summary>
    public const string Save = "save";

    /// <summary>A load (open for reading).</summary>
    public const string Load = "load";

    /// <summary>A stat.</summary>
    public const string Stat = "stat";

    /// <summary>An exists check.</summary>
    public const string Exists = "exists";

    /// <summary>A delete.</summary>
    public const string Delete = "delete";

    /// <summary>A batch delete (<see cref="IStorageEngine.DeleteManyAsync"/>).</summary>
    public const string DeleteMany = "delete-many";

    /// <summary>A listing.</summary>
    public const string List = "list";

    /// <summary>A copy.</summary>
    public const string Copy = "copy";

    /// <summary>A move.</summary>
    public const string Move = "move";

    /// <summary>A <see cref="IStorageEngine.GetInfoAsync"/> call.</summary>
    public const string Info = "info";

    /// <summary>Reading the latest change cursor (<see cref="IStorageEngine.GetChangeCursorAsync"/>).</summary>
    public const string ChangeCursor = "change-cursor";

    /// <summary>Reading changes (<see cref="IStorageEngine.ReadChangesAsync"/>).</summary>
    public const string ReadChanges = "read-changes";

    /// <summary>Waiting for changes (<see cref="IStorageEngine.WaitForChangesAsync"/>).</summary>
    public const string WaitForChanges = "wait-changes";

    /// <summary>Whether <paramref name="operation"/> changes stored data.</summary>
    public static bool IsWrite(string operation) => operation is Save or Delete or DeleteMany or Copy or Move;
}
