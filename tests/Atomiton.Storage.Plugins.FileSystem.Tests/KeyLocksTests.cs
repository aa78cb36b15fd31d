namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// The per-key write lock: an in-process gate, then an exclusive lock file shared with other
/// processes. A lock held too long is a transient Timeout naming the key; nothing is left held.
/// </summary>
public sealed class KeyLocksTests : IDisposable
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(20);

    // A hang guard and a lock timeout no wait in these tests may reach, however slow the machine.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(5);
    private readonly TemporaryFolder _folder = new("locks");

    private string LockFolder => Path.Combine(_folder.Path, "%_locks");

    [Fact]
    public async Task A_key_held_in_this_process_times_out_the_next_writer_and_is_free_once_released()
    {
        using var locks = new KeyLocks(LockFolder, Short);
        var held = await locks.AcquireAsync("flows/a", CancellationToken.None);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await locks.AcquireAsync("flows/a", CancellationToken.None));
        held.Dispose();
        using (await locks.AcquireAsync("flows/a", CancellationToken.None))
        {
        }

        AssertTimedOut(error, "flows/a");
    }

    [Fact]
    public async Task A_lock_file_held_by_another_process_times_out_and_releases_the_gate()
    {
        using var locks = new KeyLocks(LockFolder, Short);
        string stripeFile = Path.Combine(LockFolder, KeyLocks.Stripe("k").ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + ".lock");

        StorageException error;
        // Another open of the file with FileShare.None is what another process holding it looks like (flock).
        using (new FileStream(stripeFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            error = await Assert.ThrowsAsync<StorageException>(async () => await locks.AcquireAsync("k", CancellationToken.None));
        }

        using (await locks.AcquireAsync("k", CancellationToken.None))
        {
        }

        AssertTimedOut(error, "k");
    }

    [Fact]
    public async Task Cancelling_a_wait_for_a_held_lock_file_releases_the_gate()
    {
        using var locks = new KeyLocks(LockFolder, TimeSpan.FromMinutes(5));
        string stripeFile = Path.Combine(LockFolder, KeyLocks.Stripe("k").ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + ".lock");
        using var cancellation = new CancellationTokenSource();

        using (new FileStream(stripeFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var waiting = locks.AcquireAsync("k", cancellation.Token).AsTask();
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }

        using (await locks.AcquireAsync("k", CancellationToken.None))
        {
        }
    }

    [Fact]
    public async Task Writers_of_one_key_in_one_process_get_the_lock_in_the_order_they_asked()
    {
        using var locks = new KeyLocks(LockFolder, HangGuard);
        var held = await locks.AcquireAsync("k", CancellationToken.None);
        var order = new List<int>();
        var waiters = Enumerable.Range(0, 20).Select(async i =>
        {
            using (await locks.AcquireAsync("k", CancellationToken.None))
            {
                order.Add(i);
            }
        }).ToArray();
        Assert.DoesNotContain(waiters, waiter => waiter.IsCompleted);

        held.Dispose();
        await Task.WhenAll(waiters).WaitAsync(HangGuard);

        Assert.Equal(Enumerable.Range(0, 20), order);
    }

    [Fact]
    public async Task A_writer_waiting_in_another_engine_on_the_same_folder_is_not_overtaken()
    {
        // Two engines on one base folder in one process (a migration beside a host): each has its own KeyLocks.
        using var first = new KeyLocks(LockFolder, HangGuard);
        using var second = new KeyLocks(LockFolder, HangGuard);
        var held = await first.AcquireAsync("k", CancellationToken.None);
        var waiting = second.AcquireAsync("k", CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        held.Dispose();
        var later = first.AcquireAsync("k", CancellationToken.None).AsTask();

        // Before: the waiter polled the lock file with a backoff, and the first engine's next writer took
        // the free lock in between, as often as its own queue stayed busy. Now the waiter is next.
        Assert.False(later.IsCompleted, "A writer that asked later took the lock from one that was waiting.");
        using (await waiting.WaitAsync(HangGuard))
        {
            Assert.False(later.IsCompleted);
        }

        using (await later.WaitAsync(HangGuard))
        {
        }
    }

    [Fact]
    public async Task Engines_disposed_in_any_order_leave_the_gates_of_the_folder_working()
    {
        var first = new KeyLocks(LockFolder, HangGuard);
        using (await first.AcquireAsync("k", CancellationToken.None))
        {
            first.Dispose();
            first.Dispose();
        }

        using var second = new KeyLocks(LockFolder, HangGuard);
        using (await second.AcquireAsync("k", CancellationToken.None))
        {
        }
    }

    [Fact]
    public async Task A_removed_lock_folder_is_created_again()
    {
        using var locks = new KeyLocks(LockFolder, Short);
        Directory.Delete(LockFolder, recursive: true);

        using (await locks.AcquireAsync("k", CancellationToken.None))
        {
            Assert.True(Directory.Exists(LockFolder));
        }
    }

    [Fact]
    public async Task A_save_waiting_for_another_writer_fails_with_a_transient_Timeout_and_writes_nothing()
    {
        await using var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path, LockTimeout = Short });
        string stripeFile = Path.Combine(LockFolder, KeyLocks.Stripe("k").ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + ".lock");

        using (new FileStream(stripeFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("k", new byte[] { 1 }));
            AssertTimedOut(error, "k");
        }

        Assert.False(await engine.ExistsAsync("k"));
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(_folder.Path, "%_tmp")), path => !path.EndsWith(".owner", StringComparison.Ordinal));
    }

    [Fact]
    public void Stripes_are_stable_and_spread_keys()
    {
        Assert.Equal(KeyLocks.Stripe("flows/a"), KeyLocks.Stripe("flows/a"));
        Assert.InRange(Enumerable.Range(0, 1000).Select(i => KeyLocks.Stripe($"k{i}")).Distinct().Count(), 200, KeyLocks.StripeCount);
    }

    public void Dispose() => _folder.Dispose();

    private static void AssertTimedOut(StorageException error, string key)
    {
        Assert.Equal(StorageErrorCode.Timeout, error.Code);
        Assert.True(error.IsTransient);
        Assert.Equal(key, error.Key);
        Assert.Contains("lockTimeout", error.Message, StringComparison.Ordinal);
    }
}
