namespace Atomiton.Storage.Mock;

/// <summary>
/// Faults scripted for a <see cref="MockEngine"/>: queued faults, consumed one per call of their
/// operation in the order enqueued, and standing rules that fail every matching call until they
/// are disposed. Queued faults win over rules, rules over the random <see cref="MockOptions.FailureRate"/>.
/// Thread-safe.
/// </summary>
public sealed class MockFaultScript
{
    private readonly Lock _gate = new();
    private readonly Dictionary<MockOperation, Queue<MockFault>> _queued = [];
    private readonly List<MockFaultRule> _rules = [];

    /// <summary>How many queued faults have not been consumed yet.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queued.Values.Sum(queue => queue.Count);
            }
        }
    }

    /// <summary>Fails the next <paramref name="count"/> calls of <paramref name="operation"/> with <paramref name="code"/>.</summary>
    public void Enqueue(MockOperation operation, StorageErrorCode code, int count = 1) => Enqueue(operation, new MockFault(code), count);

    /// <summary>Fails the next <paramref name="count"/> calls of <paramref name="operation"/> with <paramref name="fault"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public void Enqueue(MockOperation operation, MockFault fault, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            if (!_queued.TryGetValue(operation, out var queue))
            {
                _queued[operation] = queue = new Queue<MockFault>();
            }

            for (int i = 0; i < count; i++)
            {
                queue.Enqueue(fault);
            }
        }
    }

    /// <summary>
    /// Fails every call for which <paramref name="predicate"/> (operation, key or prefix) returns true,
    /// until the returned handle is disposed. Use it for outages: <c>FailWhen((_, _) =&gt; true, …)</c>.
    /// </summary>
    /// <returns>A handle whose disposal removes the rule (the outage ends).</returns>
    public IDisposable FailWhen(Func<MockOperation, string?, bool> predicate, MockFault fault)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(fault);
        var rule = new MockFaultRule(this, predicate, fault);
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>Fails every call of every operation with <paramref name="code"/> until the handle is disposed.</summary>
    public IDisposable FailAll(StorageErrorCode code) => FailWhen((_, _) => true, new MockFault(code));

    /// <summary>Removes every queued fault and rule.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _queued.Clear();
            _rules.Clear();
        }
    }

    /// <summary>The scripted fault for this call, consuming a queued one; null when none applies.</summary>
    internal MockFault? Next(MockOperation operation, string? key)
    {
        MockFaultRule[] rules;
        lock (_gate)
        {
            if (_queued.TryGetValue(operation, out var queue) && queue.TryDequeue(out var queued))
            {
                return queued;
            }

            if (_rules.Count == 0)
            {
                return null;
            }

            rules = [.. _rules];
        }

        // Predicates are user code: run them outside the lock.
        return rules.FirstOrDefault(rule => rule.Predicate(operation, key))?.Fault;
    }

    internal void Remove(MockFaultRule rule)
    {
        lock (_gate)
        {
            _rules.Remove(rule);
        }
    }
}
