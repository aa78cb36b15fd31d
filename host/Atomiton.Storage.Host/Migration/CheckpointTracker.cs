namespace Atomiton.Storage.Host.Migration;

/// <summary>
/// Tracks which keys are in flight and done while parallel workers migrate keys handed out in
/// ordinal order, and saves the checkpoint after every finished key. Thread-safe.
/// </summary>
internal sealed class CheckpointTracker
{
    private readonly Lock _lock = new();
    private readonly string? _path;
    private readonly SortedSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _doneAbove = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _failed = new(StringComparer.Ordinal);
    private MigrationCheckpoint _checkpoint;

    // The last key handed out in this run. Keys are handed out in ascending order, so every key up
    // to it was listed by this run: started, or skipped as done. Keys done by earlier runs above it
    // must stay in _doneAbove (IsDone answers from it) until the listing has passed them.
    private string? _lastStarted;

    /// <param name="checkpoint">Where the migration stands (a fresh one for a new migration).</param>
    /// <param name="path">Where to save it; null to keep it in memory only (dry run).</param>
    public CheckpointTracker(MigrationCheckpoint checkpoint, string? path)
    {
        _checkpoint = checkpoint;
        _path = path;
        _doneAbove.UnionWith(checkpoint.DoneAboveWatermark);
        _failed.UnionWith(checkpoint.Failed);
    }

    /// <summary>Every key up to this one is done; the listing resumes after it.</summary>
    public string? Watermark => _checkpoint.Watermark;

    /// <summary>The keys that failed in earlier runs.</summary>
    public IReadOnlyList<string> PreviouslyFailed => _checkpoint.Failed;

    /// <summary>Objects verified over every run.</summary>
    public long Verified
    {
        get
        {
            lock (_lock)
            {
                return _checkpoint.Verified;
            }
        }
    }

    /// <summary>Whether <paramref name="key"/> (above the watermark) was already done by an earlier run.</summary>
    public bool IsDone(string key)
    {
        lock (_lock)
        {
            return _doneAbove.Contains(key);
        }
    }

    /// <summary>A worker takes <paramref name="key"/>; keys are started in ascending order.</summary>
    public void Started(string key)
    {
        lock (_lock)
        {
            _inFlight.Add(key);
            _lastStarted = key;
        }
    }

    /// <summary>A worker finished <paramref name="key"/> (handed out by <see cref="Started"/>).</summary>
    public void Finished(string key, ObjectOutcome outcome)
    {
        lock (_lock)
        {
            _inFlight.Remove(key);
            if (outcome.IsFailed)
            {
                _failed.Add(key);
            }
            else
            {
                _failed.Remove(key);
            }

            // A failed key also counts as handled for the watermark: it is retried from the failed list.
            _doneAbove.Add(key);
            string? watermark = _checkpoint.Watermark;
            while (_doneAbove.Count > 0
                && string.CompareOrdinal(_doneAbove.Min, _lastStarted) <= 0
                && (_inFlight.Count == 0 || string.CompareOrdinal(_doneAbove.Min, _inFlight.Min) < 0))
            {
                watermark = _doneAbove.Min;
                _doneAbove.Remove(watermark!);
            }

            _checkpoint = _checkpoint with
            {
                Watermark = watermark,
                DoneAboveWatermark = [.. _doneAbove],
                Failed = [.. _failed],
                Verified = _checkpoint.Verified + (outcome.IsVerified ? 1 : 0),
                Bytes = _checkpoint.Bytes + outcome.CopiedBytes,
                Updated = DateTimeOffset.UtcNow,
            };
            if (_path is not null)
            {
                _checkpoint.Save(_path);
            }
        }
    }

    /// <summary>A key retried from an earlier run's failed list finished (it was never handed out by <see cref="Started"/>).</summary>
    public void RetryFinished(string key, ObjectOutcome outcome)
    {
        lock (_lock)
        {
            if (!outcome.IsFailed)
            {
                _failed.Remove(key);
            }

            _checkpoint = _checkpoint with
            {
                Failed = [.. _failed],
                Verified = _checkpoint.Verified + (outcome.IsVerified ? 1 : 0),
                Bytes = _checkpoint.Bytes + outcome.CopiedBytes,
                Updated = DateTimeOffset.UtcNow,
            };
            if (_path is not null)
            {
                _checkpoint.Save(_path);
            }
        }
    }

    /// <summary>The keys that are failed now.</summary>
    public IReadOnlyList<string> Failed
    {
        get
        {
            lock (_lock)
            {
                return [.. _failed];
            }
        }
    }
}
