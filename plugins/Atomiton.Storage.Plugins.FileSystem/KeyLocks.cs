using System.Diagnostics;
using System.Globalization;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// Serialises writers of one key across threads and processes. Keys hash (stably, the same in every
/// process) onto a fixed set of lock files under <c>%_locks</c>; a writer holds its file open with
/// <see cref="FileShare.None"/> (an exclusive <c>flock</c> on Unix, a sharing lock on Windows) while
/// it checks a condition and renames. The set is fixed so lock files are never deleted, which would
/// let two writers lock two different files of the same name.
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
    private readonly TimeSpan _timeout;
    private readonly StripeGates _gates;
    private bool _disposed;

    public KeyLocks(string directory, TimeSpan timeout)
    {
        _directory = directory;
        _timeout = timeout;
        Directory.CreateDirectory(directory);
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

    // The cross-process lock: the file held open exclusively. Throws IOException while another process holds it.
    private static FileStream OpenLockFile(string path) =>
        new(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);

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
