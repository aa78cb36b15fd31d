namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>Which requests a scripted fault applies to.</summary>
public enum DriveFaultTarget
{
    /// <summary>Every request.</summary>
    Any = 0,

    /// <summary>Metadata requests under <c>/drive/v3/</c> (get, list, update, delete, copy, about, changes) other than downloads.</summary>
    Metadata,

    /// <summary>Downloads (<c>alt=media</c>).</summary>
    Download,

    /// <summary>Upload requests that start something (media, multipart, resumable initiation).</summary>
    UploadStart,

    /// <summary>Chunk PUTs to a resumable upload session (status queries excluded).</summary>
    UploadChunk,
}

/// <summary>What a scripted fault does to a request it applies to.</summary>
public enum DriveFaultKind
{
    /// <summary>403 <c>userRateLimitExceeded</c> (domain usageLimits).</summary>
    UserRateLimitExceeded = 0,

    /// <summary>403 <c>rateLimitExceeded</c> (domain usageLimits).</summary>
    RateLimitExceeded,

    /// <summary>429 <c>rateLimitExceeded</c> ("Too many requests").</summary>
    TooManyRequests,

    /// <summary>500 <c>backendError</c>.</summary>
    InternalError,

    /// <summary>503 <c>backendError</c>.</summary>
    ServiceUnavailable,

    /// <summary>The connection is cut: for a chunk, after half of its body was read (that part is not kept); otherwise before any answer.</summary>
    DropConnection,

    /// <summary>The upload session is forgotten, as after its week expired: the request (and later ones to it) get 404.</summary>
    ExpireUploadSession,

    /// <summary>403 <c>storageQuotaExceeded</c>.</summary>
    StorageQuotaExceeded,

    /// <summary>401 <c>authError</c> (Invalid Credentials), as for an access token the server stopped accepting.</summary>
    InvalidCredentials,
}

/// <summary>One scripted fault: the next <see cref="Count"/> requests matching <see cref="Target"/> get <see cref="Kind"/>.</summary>
public sealed record DriveFault(DriveFaultKind Kind, DriveFaultTarget Target = DriveFaultTarget.Any, int Count = 1)
{
    /// <summary>How many matching requests to let through before the fault applies (to cut an upload at chosen chunks).</summary>
    public int After { get; init; }

    /// <summary>Only requests whose path and query contain this text (null: any of <see cref="Target"/>).</summary>
    public string? PathContains { get; init; }

    /// <summary>A <c>Retry-After</c> header (whole seconds) to send with a throttling answer; null for none (Drive does not document one).</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>The emulator's script of faults, applied in order; thread-safe.</summary>
public sealed class DriveFaults
{
    private readonly object _gate = new();
    private readonly List<(DriveFault Fault, int Left, int Passed)> _script = [];

    /// <summary>Adds a fault after those already scripted.</summary>
    public void Add(DriveFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fault.Count);
        lock (_gate)
        {
            _script.Add((fault, fault.Count, 0));
        }
    }

    /// <summary>Forgets every fault not yet applied.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _script.Clear();
        }
    }

    /// <summary>How many scripted applications are left.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _script.Sum(s => s.Left);
            }
        }
    }

    internal DriveFault? Take(DriveFaultTarget target, string pathAndQuery)
    {
        lock (_gate)
        {
            for (int i = 0; i < _script.Count; i++)
            {
                var (fault, left, passed) = _script[i];
                if ((fault.Target == DriveFaultTarget.Any || fault.Target == target)
                    && (fault.PathContains is null || pathAndQuery.Contains(fault.PathContains, StringComparison.Ordinal)))
                {
                    if (passed < fault.After)
                    {
                        _script[i] = (fault, left, passed + 1);
                        continue;
                    }

                    if (left <= 1)
                    {
                        _script.RemoveAt(i);
                    }
                    else
                    {
                        _script[i] = (fault, left - 1, passed);
                    }

                    return fault;
                }
            }

            return null;
        }
    }
}
