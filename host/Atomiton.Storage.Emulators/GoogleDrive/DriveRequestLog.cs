namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>One request the emulator answered: method, path with query, and the status it answered (0 when the connection was cut).</summary>
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

/// <summary>Every request the emulator answered, in order (the request counts of tests and benchmarks); thread-safe.</summary>
public sealed class DriveRequestLog
{
    private readonly object _gate = new();
    private readonly List<DriveRequest> _requests = [];

    /// <summary>A snapshot of the requests so far.</summary>
    public IReadOnlyList<DriveRequest> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
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

    internal void Add(DriveRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }
}
