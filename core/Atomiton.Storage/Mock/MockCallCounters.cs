namespace Atomiton.Storage.Mock;

/// <summary>
/// How many times each operation was called on a <see cref="MockEngine"/> (failed calls included),
/// and how many calls it failed on purpose. Thread-safe; for assertions in tests.
/// </summary>
public sealed class MockCallCounters
{
    private const int OperationCount = (int)MockOperation.GetInfo + 1;
    private readonly long[] _calls = new long[OperationCount];
    private long _injected;

    /// <summary>Calls of <paramref name="operation"/> so far.</summary>
    public long this[MockOperation operation] => Interlocked.Read(ref _calls[(int)operation]);

    /// <summary>Calls of every operation so far.</summary>
    public long Total
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _calls.Length; i++)
            {
                total += Interlocked.Read(ref _calls[i]);
            }

            return total;
        }
    }

    /// <summary>Calls that failed because of a scripted fault, the failure rate or the quota.</summary>
    public long InjectedFailures => Interlocked.Read(ref _injected);

    /// <summary>Sets every counter back to zero.</summary>
    public void Reset()
    {
        for (int i = 0; i < _calls.Length; i++)
        {
            Interlocked.Exchange(ref _calls[i], 0);
        }

        Interlocked.Exchange(ref _injected, 0);
    }

    internal void Count(MockOperation operation) => Interlocked.Increment(ref _calls[(int)operation]);

    internal void CountInjected() => Interlocked.Increment(ref _injected);
}
