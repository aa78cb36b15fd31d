using System.Diagnostics;
using System.Globalization;

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
/// <remarks>
/// Waiting is fair within a process: every instance on one lock folder in this process shares one
/// first-in, first-out gate per stripe (<see cref="StripeGates"/>), and a released gate passes
/// straight to the writer that waited longest. Only a lock file held by another process is polled.
/// Before, two engines on one folder in one process polled each other's lock files with a growing
/// backoff, and a poller was overtaken by the other engine's queue for as long as that queue
/// stayed busy — up to the lock timeout.
/// </remarks>
internal sealed class KeyLocks : IDisposable
{
    /// <summary>How many lock files (and in-process gates) keys share.</summary>
    public const int StripeCount = 256;

    // Another process holds the file: poll at a fixed, short interval (Linux timers do not fire
    // sooner). The old exponential backoff let waits grow to 8 ms per poll, idle while the lock was free.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(1);

    private readonly string _directory;
    private readonly InternalFolder _baseFolder;
    private readonly string _name;
    private readonly TimeSpan _timeout;
    private readonly StripeGates _gates;
    private bool _disposed;

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

        _gates = StripeGates.Share(Path.GetFullPath(directory));
    }

    /// <summary>Waits until this caller alone, among all processes on this folder, may write <paramref name="key"/>.</summary>
    /// <remarks>Callers in this process get the lock in the order they asked for it.</remarks>
    /// <exception cref="StorageException">Timeout when the lock stays taken longer than the configured timeout.</exception>
    public async ValueTask<Releaser> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        int stripe = Stripe(key);
        var gate = _gates[stripe];
        long started = Stopwatch.GetTimestamp();
        if (!await gate.WaitAsync(_timeout, cancellationToken))
        {
            throw TimedOut(key);
        }

        try
        {
            string path = Path.Combine(_directory, stripe.ToString("x2", CultureInfo.InvariantCulture) + ".lock");
            while (true)
            {
                try
                {
                    return new Releaser(gate, OpenLockFile(path));
                }
                catch (IOException) when (File.Exists(path))
                {
                    // Held by another process: poll until the timeout.
                }
                catch (DirectoryNotFoundException)
                {
                    Directory.CreateDirectory(_directory);
                    continue;
                }

                if (Stopwatch.GetElapsedTime(started) > _timeout)
                {
                    throw TimedOut(key);
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _gates.Leave();
            _baseFolder.Dispose();
        }
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
