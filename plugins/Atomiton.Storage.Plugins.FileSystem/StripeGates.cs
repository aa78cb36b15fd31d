namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// The in-process half of <see cref="KeyLocks"/>: one gate per stripe, shared by every
/// <see cref="KeyLocks"/> on the same lock folder in this process, so writers of one key in two
/// engines queue in one line instead of polling each other's lock files. A gate is a
/// <see cref="SemaphoreSlim"/> used only asynchronously: a release hands it to the longest waiting
/// caller (first in, first out) and a caller arriving later cannot take it in between.
/// Thread-safe.
/// </summary>
internal sealed class StripeGates
{
    private static readonly Dictionary<string, StripeGates> ByFolder = new(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
    private static readonly Lock Registry = new();

    private readonly string _folder;
    private readonly SemaphoreSlim[] _gates = new SemaphoreSlim[KeyLocks.StripeCount];
    private int _users;

    private StripeGates(string folder)
    {
        _folder = folder;
        for (int i = 0; i < _gates.Length; i++)
        {
            _gates[i] = new SemaphoreSlim(1, 1);
        }
    }

    /// <summary>The gate of one stripe.</summary>
    public SemaphoreSlim this[int stripe] => _gates[stripe];

    /// <summary>The gates of <paramref name="folder"/> (a full path), created for its first user; call <see cref="Leave"/> once when done.</summary>
    public static StripeGates Share(string folder)
    {
        lock (Registry)
        {
            if (!ByFolder.TryGetValue(folder, out var gates))
            {
                gates = new StripeGates(folder);
                ByFolder.Add(folder, gates);
            }

            gates._users++;
            return gates;
        }
    }

    /// <summary>
    /// One user is done; the last one removes the folder's gates from the registry. The semaphores
    /// are not disposed: a lock still held when its engine is disposed may be released later.
    /// </summary>
    public void Leave()
    {
        lock (Registry)
        {
            if (--_users == 0)
            {
                ByFolder.Remove(_folder);
            }
        }
    }
}
