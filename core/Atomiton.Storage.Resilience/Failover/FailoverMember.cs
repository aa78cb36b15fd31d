namespace Atomiton.Storage.Resilience.Failover;

/// <summary>One member of a failover or mirror stage and its health, as seen by that stage. Thread-safe.</summary>
internal sealed class FailoverMember(string name, IStorageEngine engine)
{
    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private DateTimeOffset? _outUntil;
    private string? _lastError;

    public string Name { get; } = name;

    public IStorageEngine Engine { get; } = engine;

    /// <summary>In rotation, or out with its probe not yet due.</summary>
    public bool IsAvailable(DateTimeOffset now, out bool probeDue)
    {
        lock (_gate)
        {
            probeDue = _outUntil is { } until && now >= until;
            return _outUntil is null;
        }
    }

    public void RecordSuccess()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _outUntil = null;
        }
    }

    /// <summary>Counts a failure; true when it took the member out of rotation.</summary>
    public bool RecordFailure(StorageException error, DateTimeOffset now, int threshold, TimeSpan sitOut)
    {
        lock (_gate)
        {
            _lastError = $"{error.Code}: {error.Message}";
            bool wasIn = _outUntil is null;
            if (++_consecutiveFailures >= threshold || !wasIn)
            {
                _outUntil = now + sitOut;
            }

            return wasIn && _outUntil is not null;
        }
    }

    public FailoverMemberStatus Snapshot()
    {
        lock (_gate)
        {
            return new FailoverMemberStatus(Name, _outUntil is null, _consecutiveFailures, _outUntil, _lastError);
        }
    }
}
