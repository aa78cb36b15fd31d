namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// The per-key write lock: an in-process gate, then an exclusive lock file shared with other
/// processes. A lock held too long is a transient Timeout naming the key; nothing is left held.
/// </summary>
public sealed class KeyLocksTests : IDisposable
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(20);
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
