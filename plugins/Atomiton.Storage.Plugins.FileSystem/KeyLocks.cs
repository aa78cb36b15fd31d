using System.Diagnostics;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// Serialises writers of one key across threads and processes. Keys hash (stably, the same in every
/// process) onto a fixed set of lock files under <c>%_locks</c>; a writer holds its file open with
/// <see cref="FileShare.None"/> (an exclusive <c>flock</c> on Unix, a sharing lock on Windows) while
/// it checks a condition and renames. The set is fixed so lock files are never deleted, which would
/// let two writers lock two different files of the same name. The folder and its files are opened
/// beneath a held handle of the base folder without following links (<see cref="InternalFolder"/>):
/// a link or special file planted in their place is refused with AccessDenied, never written through.
/// </summary>
internal sealed class KeyLocks : IDisposable
{
    /// <summary>How many lock files (and in-process gates) keys share.</summary>
    public const int StripeCount = 256;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(8);

    private readonly string _directory;
    private readonly InternalFolder _baseFolder;
    private readonly string _name;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim[] _gates = new SemaphoreSlim[StripeCount];

    /// <exception cref="StorageException">AccessDenied naming the relative path when the lock folder is a link or not a folder.</exception>
    public KeyLocks(string directory, TimeSpan timeout)
    {
        _directory = directory;
        _timeout = timeout;
        _baseFolder = InternalFolder.OpenBase(Path.GetDirectoryName(directory)!);
        _name = Path.GetFileName(directory);
        try
        {
            _baseFolder.OpenOrCreateFolder(_name).Dispose();
        }
        catch
        {
            _baseFolder.Dispose();
            throw;
        }

        for (int i = 0; i < _gates.Length; i++)
        {
            _gates[i] = new SemaphoreSlim(1, 1);
        }
    }

    /// <summary>Waits until this caller alone, among all processes on this folder, may write <paramref name="key"/>.</summary>
    /// <exception cref="StorageException">Timeout when the lock stays taken longer than the configured timeout.</exception>
    public async ValueTask<Releaser> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        int stripe = Stripe(key);
        var clock = Stopwatch.StartNew();
        if (!await _gates[stripe].WaitAsync(_timeout, cancellationToken))
        {
            throw TimedOut(key);
        }

        try
        {
            string path = Path.Combine(_directory, stripe.ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + ".lock");
            var backoff = TimeSpan.FromMilliseconds(0.5);
            while (true)
            {
                try
                {
                    var file = OpenLockFile(path);
                    return new Releaser(_gates[stripe], file);
                }
                catch (IOException) when (File.Exists(path))
                {
                    // Held by another process: back off and retry until the timeout.
                }
                catch (DirectoryNotFoundException)
                {
                    Directory.CreateDirectory(_directory);
                    continue;
                }

                if (clock.Elapsed > _timeout)
                {
                    throw TimedOut(key);
                }

                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        catch
        {
            _gates[stripe].Release();
            throw;
        }
    }

    public void Dispose()
    {
        _baseFolder.Dispose();
        foreach (var gate in _gates)
        {
            gate.Dispose();
        }
    }

    // The lock file, locked exclusively; IOException while another process holds it. Opened beneath
    // the held base folder one name at a time without following links or waiting on special files.
    private FileStream OpenLockFile(string path)
    {
        using var folder = _baseFolder.OpenOrCreateFolder(_name);
        string name = Path.GetFileName(path);
        if (!folder.IsHeld)
        {
            folder.OpenRegularFile(name, create: true).Dispose(); // refuses a link or folder in its place
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }

        var handle = folder.OpenRegularFile(name, create: true);
        int error = NativeMethods.TryLockExclusive(handle);
        if (error != 0)
        {
            handle.Dispose();
            throw new IOException($"'{folder.RelativePath}/{name}' inside baseDir is locked by another process ({NativeMethods.Describe(error)}).", error);
        }

        return new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
    }

    /// <summary>FNV-1a over the key's UTF-16 code units: stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    internal static int Stripe(string key)
    {
        uint hash = 2166136261;
        foreach (char c in key)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash % StripeCount);
    }

    private StorageException TimedOut(string key) =>
        new(StorageErrorCode.Timeout, $"Timed out after {_timeout} waiting for another writer of key '{key}' (or of a key sharing its lock). Retry, or raise lockTimeout if writers hold it longer.")
        { Key = key, IsTransient = true };

    /// <summary>Holds one key's lock until disposed.</summary>
    internal readonly struct Releaser : IDisposable
    {
        private readonly SemaphoreSlim _gate;
        private readonly FileStream _file;

        public Releaser(SemaphoreSlim gate, FileStream file)
        {
            _gate = gate;
            _file = file;
        }

        public void Dispose()
        {
            _file.Dispose();
            _gate.Release();
        }
    }
}
