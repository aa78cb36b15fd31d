namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>One request the emulator received: method, path with query, and the status it answered (0 when the connection was cut).</summary>
public sealed record DriveRequest(string Method, string PathAndQuery, int Status)
{
    /// <summary>When the request arrived, on the emulator's clock (<see cref="LoopbackDriveServerOptions.TimeProvider"/>).</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>True for requests under <c>/upload/</c>.</summary>
    public bool IsUpload => PathAndQuery.StartsWith("/upload/", StringComparison.Ordinal);

    /// <summary>True for downloads (<c>alt=media</c>).</summary>
    public bool IsDownload => PathAndQuery.Contains("alt=media", StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Method} {PathAndQuery} → {Status}";
}

/// <summary>
/// Every request the emulator received, in order of arrival (the request counts of tests and benchmarks); thread-safe.
/// A request is entered when it arrives and its status when the answer starts, both before the client can see any
/// answer: a client that has finished an operation never finds that operation's last request still missing (entering
/// it after the answer was sent let one operation's download be counted with the next one on a loaded machine).
/// </summary>
public sealed class DriveRequestLog
{
    private readonly object _gate = new();
    private readonly List<Entry> _requests = [];

    /// <summary>A snapshot of the requests so far.</summary>
    public IReadOnlyList<DriveRequest> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests.Select(e => e.ToRequest())];
            }
        }
    }

    /// <summary>How many requests so far.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>Forgets the requests so far (to count one operation's).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>Enters a request that has just arrived; its status is 0 (unanswered) until <see cref="Entry.Answer"/>.</summary>
    internal Entry Begin(string method, string pathAndQuery, DateTimeOffset receivedAt)
    {
        var entry = new Entry(method, pathAndQuery, receivedAt);
        lock (_gate)
        {
            _requests.Add(entry);
        }

        return entry;
    }

    /// <summary>One request in the log, answered (status set) once its answer starts.</summary>
    internal sealed class Entry(string method, string pathAndQuery, DateTimeOffset receivedAt)
    {
        private int _status;

        /// <summary>Records the status the answer carries (0: the connection was cut).</summary>
        public void Answer(int status) => Volatile.Write(ref _status, status);

        public DriveRequest ToRequest() => new(method, pathAndQuery, Volatile.Read(ref _status)) { ReceivedAt = receivedAt };
    }
}
