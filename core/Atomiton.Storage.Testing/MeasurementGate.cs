namespace Atomiton.Storage.Testing;

/// <summary>
/// A process-wide readers–writer gate over the kit's cases. Every case holds it shared; the cases
/// that measure allocations (bounded memory, constant-memory listing) hold it exclusively, so the
/// other kit cases that xunit runs in parallel (in other test classes) do not pollute the measure.
/// A waiting measurement blocks new shared entries, so it is never starved.
/// </summary>
internal static class MeasurementGate
{
    private static readonly SemaphoreSlim Turnstile = new(1, 1);
    private static readonly SemaphoreSlim RoomEmpty = new(1, 1);
    private static readonly SemaphoreSlim ReaderCount = new(1, 1);
    private static int s_readers;

    public static async ValueTask<IDisposable> EnterSharedAsync()
    {
        await Turnstile.WaitAsync();
        Turnstile.Release();
        await ReaderCount.WaitAsync();
        try
        {
            if (++s_readers == 1)
            {
                await RoomEmpty.WaitAsync();
            }
        }
        finally
        {
            ReaderCount.Release();
        }

        return new Release(ExitShared);
    }

    public static async ValueTask<IDisposable> EnterExclusiveAsync()
    {
        await Turnstile.WaitAsync();
        try
        {
            await RoomEmpty.WaitAsync();
        }
        finally
        {
            Turnstile.Release();
        }

        return new Release(() => RoomEmpty.Release());
    }

    private static void ExitShared()
    {
        ReaderCount.Wait();
        try
        {
            if (--s_readers == 0)
            {
                RoomEmpty.Release();
            }
        }
        finally
        {
            ReaderCount.Release();
        }
    }

    private sealed class Release(Action action) : IDisposable
    {
        private Action? _action = action;

        public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
    }
}
