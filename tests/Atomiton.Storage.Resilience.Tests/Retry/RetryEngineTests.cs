using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Resilience.Failover;
using Atomiton.Storage.Resilience.Retry;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Resilience.Tests.Retry;

public sealed class RetryEngineTests
{
    private static readonly RetryOptions Fast = new() { MaxRetryAttempts = 12, BaseDelay = TimeSpan.Zero, Seed = 1 };

    [Fact]
    public async Task Ten_thousand_operations_through_a_mock_failing_30_percent_all_succeed()
    {
        var mock = new MockEngine(new MockOptions { FailureRate = 0.3, Latency = TimeSpan.Zero, MaxLatency = TimeSpan.FromMilliseconds(0.2), Seed = 2026 });
        await using var engine = new RetryEngine(mock, new RetryOptions { MaxRetryAttempts = 12, BaseDelay = TimeSpan.Zero, Seed = 7 });
        const int Operations = 10_000;

        await Parallel.ForAsync(0, Operations, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            string key = $"run/{i % 500}";
            switch (i % 4)
            {
                case 0:
                    await engine.SaveAsync(key, new byte[] { (byte)i }, null, ct);
                    break;
                case 1:
                    await engine.ExistsAsync(key, ct);
                    break;
                case 2:
                    await engine.SaveAsync(key + "/x", new byte[] { 1, 2 }, null, ct);
                    await engine.LoadBytesAsync(key + "/x", null, ct);
                    break;
                default:
                    await engine.DeleteAsync(key + "/gone", null, ct);
                    break;
            }
        });

        long calls = mock.Calls.Total;
        Assert.True(mock.Calls.InjectedFailures > 2_500, $"the mock should have failed about 30% of {calls} calls, failed {mock.Calls.InjectedFailures}");
        Assert.InRange((double)mock.Calls.InjectedFailures / calls, 0.27, 0.33);
    }

    [Theory]
    [InlineData(StorageErrorCode.NotFound)]
    [InlineData(StorageErrorCode.Conflict)]
    [InlineData(StorageErrorCode.AccessDenied)]
    [InlineData(StorageErrorCode.Integrity)]
    [InlineData(StorageErrorCode.InvalidKey)]
    [InlineData(StorageErrorCode.AuthenticationFailed)]
    public async Task Permanent_errors_are_attempted_once(StorageErrorCode code)
    {
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, Fast);
        mock.Faults.Enqueue(MockOperation.Stat, new MockFault(code), count: 5);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());

        Assert.Equal(code, error.Code);
        Assert.Equal(1, mock.Calls[MockOperation.Stat]);
        Assert.DoesNotContain("gave up", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_permanent_code_flagged_transient_is_still_not_retried()
    {
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, Fast);
        mock.Faults.Enqueue(MockOperation.Stat, new MockFault(StorageErrorCode.NotFound) { IsTransient = true }, count: 3);

        await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());

        Assert.Equal(1, mock.Calls[MockOperation.Stat]);
    }

    [Fact]
    public async Task Exhausted_retries_report_the_attempts_and_the_last_cause()
    {
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, new RetryOptions { MaxRetryAttempts = 2, BaseDelay = TimeSpan.Zero });
        mock.Faults.Enqueue(MockOperation.Load, StorageErrorCode.NetworkError, count: 2);
        mock.Faults.Enqueue(MockOperation.Load, StorageErrorCode.Timeout);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.LoadBytesAsync("k").AsTask());

        Assert.Equal(StorageErrorCode.Timeout, error.Code);
        Assert.False(error.IsTransient);
        Assert.True(error.IsPersistent);
        Assert.Contains("gave up after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal("k", error.Key);
        Assert.Equal("load", error.Operation);
        Assert.IsType<StorageException>(error.InnerException);
        Assert.Equal(3, mock.Calls[MockOperation.Load]);
    }

    [Fact]
    public async Task Retry_over_retry_makes_only_the_inner_stages_attempts()
    {
        var mock = new MockEngine();
        var inner = new RetryEngine(mock, new RetryOptions { MaxRetryAttempts = 2, BaseDelay = TimeSpan.Zero });
        await using var outer = new RetryEngine(inner, new RetryOptions { MaxRetryAttempts = 5, BaseDelay = TimeSpan.Zero });
        using var outage = mock.Faults.FailAll(StorageErrorCode.NetworkError);

        var error = await Assert.ThrowsAsync<StorageException>(() => outer.StatAsync("k").AsTask());

        // The inner stage makes 1 + 2 attempts and gives up persistently; the outer stage calls it once
        // (without the persistent mark it would be 6 × 3 = 18).
        Assert.Equal(3, mock.Calls[MockOperation.Stat]);
        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.True(error.IsPersistent);
        Assert.False(error.IsTransient);
        Assert.Contains("gave up after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal("stat", error.Operation);
        Assert.Equal("k", error.Key);
    }

    [Fact]
    public async Task Retry_over_failover_over_retrying_members_tries_each_member_once_through_its_own_budget()
    {
        var primary = new MockEngine();
        var secondary = new MockEngine();
        using var primaryOutage = primary.Faults.FailAll(StorageErrorCode.Timeout);
        using var secondaryOutage = secondary.Faults.FailAll(StorageErrorCode.NetworkError);
        var failover = new FailoverEngine(
            new RetryEngine(primary, new RetryOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.Zero }),
            [new("backup", new RetryEngine(secondary, new RetryOptions { MaxRetryAttempts = 2, BaseDelay = TimeSpan.Zero }))],
            new FailoverOptions { FailureThreshold = 100 });
        await using var engine = new RetryEngine(failover, new RetryOptions { MaxRetryAttempts = 4, BaseDelay = TimeSpan.Zero });

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.ExistsAsync("k").AsTask());

        Assert.Equal(2, primary.Calls[MockOperation.Exists]);
        Assert.Equal(3, secondary.Calls[MockOperation.Exists]);
        Assert.True(error.IsPersistent);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task A_persistent_error_from_beneath_is_not_retried()
    {
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, Fast);
        mock.Faults.Enqueue(MockOperation.Stat, new MockFault(StorageErrorCode.NetworkError), count: 5);
        var persistent = new StorageException(StorageErrorCode.NetworkError, "down.") { IsTransient = true, IsPersistent = true };

        Assert.False(TransientFailure.Is(persistent), "a persistent error is never retried, whatever its transient flag says");
        Assert.True(TransientFailure.IsBackendFailure(persistent), "it still counts as a failure of the backend");
        await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());
    }

    [Fact]
    public async Task Retry_after_hint_is_waited_out_on_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        var mock = new MockEngine(null, time);
        await using var engine = new RetryEngine(mock, new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10), UseJitter = false }, time);
        mock.Faults.Enqueue(MockOperation.Stat, MockFault.RateLimited(TimeSpan.FromSeconds(5)));
        await mock.SaveAsync("k", new byte[] { 1 });

        await Task.Run(async () =>
        {
            var stat = engine.StatAsync("k").AsTask();
            Assert.Equal(1, mock.Calls[MockOperation.Stat]);
            time.Advance(TimeSpan.FromMilliseconds(4_999));
            Assert.False(stat.IsCompleted);
            Assert.Equal(1, mock.Calls[MockOperation.Stat]);
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, (await stat).Size);
        });

        Assert.Equal(2, mock.Calls[MockOperation.Stat]);
    }

    [Fact]
    public async Task A_retry_after_hint_beyond_the_maximum_fails_at_once()
    {
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, new RetryOptions { MaxRetryAfter = TimeSpan.FromSeconds(1) });
        mock.Faults.Enqueue(MockOperation.Stat, MockFault.RateLimited(TimeSpan.FromMinutes(10)));

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());

        Assert.Equal(StorageErrorCode.RateLimited, error.Code);
        Assert.Equal(TimeSpan.FromMinutes(10), error.RetryAfter);
        Assert.Equal(1, mock.Calls[MockOperation.Stat]);
    }

    [Fact]
    public async Task Back_off_grows_exponentially_on_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        var mock = new MockEngine(null, time);
        await using var engine = new RetryEngine(mock, new RetryOptions { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(100), UseJitter = false }, time);
        mock.Faults.Enqueue(MockOperation.Exists, StorageErrorCode.NetworkError, count: 3);

        await Task.Run(async () =>
        {
            var exists = engine.ExistsAsync("k").AsTask();
            time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.Equal(2, mock.Calls[MockOperation.Exists]);
            time.Advance(TimeSpan.FromMilliseconds(199));
            Assert.Equal(2, mock.Calls[MockOperation.Exists]);
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(3, mock.Calls[MockOperation.Exists]);
            time.Advance(TimeSpan.FromMilliseconds(400));
            Assert.False(await exists);
        });

        Assert.Equal(4, mock.Calls[MockOperation.Exists]);
    }

    [Fact]
    public async Task A_save_from_a_seekable_stream_is_retried_from_its_start()
    {
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, Fast);
        mock.Faults.Enqueue(MockOperation.Save, StorageErrorCode.NetworkError);
        using var content = new MemoryStream([9, 1, 2, 3]);
        content.Position = 1;

        await engine.SaveAsync("k", content);

        Assert.Equal(new byte[] { 1, 2, 3 }, await mock.LoadBytesAsync("k"));
        Assert.Equal(2, mock.Calls[MockOperation.Save]);
    }

    [Fact]
    public async Task A_save_from_a_stream_that_cannot_seek_is_attempted_once()
    {
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, Fast);
        mock.Faults.Enqueue(MockOperation.Save, StorageErrorCode.NetworkError);
        using var content = new ForwardOnlyStream([1, 2, 3]);

        await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("k", content).AsTask());

        Assert.Equal(1, mock.Calls[MockOperation.Save]);
    }

    [Fact]
    public async Task Move_is_never_repeated()
    {
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, Fast);
        await mock.SaveAsync("a", new byte[] { 1 });
        mock.Faults.Enqueue(MockOperation.Move, StorageErrorCode.NetworkError);

        await Assert.ThrowsAsync<StorageException>(() => engine.MoveAsync("a", "b").AsTask());

        Assert.Equal(1, mock.Calls[MockOperation.Move]);
    }

    [Theory]
    [InlineData(RetryWrites.Safe, false, 2)]
    [InlineData(RetryWrites.Safe, true, 2)]
    [InlineData(RetryWrites.ConditionalOnly, false, 1)]
    [InlineData(RetryWrites.ConditionalOnly, true, 2)]
    [InlineData(RetryWrites.Never, true, 1)]
    public async Task The_write_rule_decides_which_saves_are_repeated(RetryWrites writes, bool conditional, int expectedCalls)
    {
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, new RetryOptions { Writes = writes, BaseDelay = TimeSpan.Zero });
        mock.Faults.Enqueue(MockOperation.Save, StorageErrorCode.NetworkError);
        var options = conditional ? new SaveOptions { Condition = WriteCondition.IfNotExists } : null;

        try
        {
            await engine.SaveAsync("k", new byte[] { 1 }, options);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NetworkError)
        {
            Assert.Equal(1, expectedCalls);
        }

        Assert.Equal(expectedCalls, mock.Calls[MockOperation.Save]);
    }

    [Fact]
    public async Task A_conditional_write_whose_lost_success_makes_the_retry_conflict_says_so()
    {
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, Fast);
        mock.Faults.Enqueue(MockOperation.Save, new MockFault(StorageErrorCode.NetworkError) { AfterCompletion = true });

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("k", new byte[] { 1 }, new SaveOptions { Condition = WriteCondition.IfNotExists }).AsTask());

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        Assert.Contains("may have been applied", error.Message, StringComparison.Ordinal);
        Assert.True(await mock.ExistsAsync("k"));
    }

    [Fact]
    public async Task A_listing_that_fails_midway_resumes_after_the_last_entry()
    {
        var inner = new MemoryEngine();
        for (int i = 0; i < 10; i++)
        {
            await inner.SaveAsync($"k{i}", new byte[] { 1 });
        }

        var flaky = new FailingListEngine(inner, failAfter: 4);
        await using var engine = new RetryEngine(flaky, Fast);

        var keys = new List<string>();
        await foreach (var entry in engine.ListAsync(new ListOptions { PageSize = 3 }))
        {
            keys.Add(entry.Key);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"k{i}"), keys);
        Assert.Equal(2, flaky.Listings);
    }

    [Fact]
    public async Task Copy_delete_and_info_pass_through_with_retries()
    {
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, Fast);
        await engine.SaveAsync("a", new byte[] { 1 });
        mock.Faults.Enqueue(MockOperation.Copy, StorageErrorCode.NetworkError);
        mock.Faults.Enqueue(MockOperation.Delete, StorageErrorCode.NetworkError);
        mock.Faults.Enqueue(MockOperation.GetInfo, StorageErrorCode.NetworkError);

        await engine.CopyAsync("a", "b");
        Assert.True(await engine.DeleteAsync("a"));
        var info = await engine.GetInfoAsync();

        Assert.Equal("retry", info.EngineType);
        Assert.Equal("mock", info.Inner!.EngineType);
        Assert.Equal(2, mock.Calls[MockOperation.Copy]);
        Assert.Equal(2, mock.Calls[MockOperation.Delete]);
        Assert.True(await mock.ExistsAsync("b"));
    }

    [Fact]
    public async Task Jittered_back_off_is_reproducible_with_a_seed()
    {
        var first = await FirstRetryDelayAsync(seed: 42);
        var again = await FirstRetryDelayAsync(seed: 42);

        Assert.Equal(first, again);
        Assert.InRange(first, 1, 2_000);
    }

    [Fact]
    public async Task Each_retry_is_logged_with_the_operation_key_and_code()
    {
        var logger = new RecordingLogger();
        var mock = new MockEngine();
        await using var engine = new RetryEngine(mock, new RetryOptions { BaseDelay = TimeSpan.Zero }, null, logger);
        mock.Faults.Enqueue(MockOperation.Stat, StorageErrorCode.Timeout);
        await mock.SaveAsync("k", new byte[] { 1 });

        await engine.StatAsync("k");

        var message = Assert.Single(logger.Messages);
        Assert.Equal(StorageLogLevel.Warning, message.Level);
        Assert.Contains("Retrying stat of key 'k' after Timeout (attempt 2 of 4", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_provider_builds_the_stage_over_the_inner_engine()
    {
        var provider = new RetryProvider();
        var context = new StorageProviderContext { PipelineName = "main", StageName = "retry", Inner = new MemoryEngine() };

        await using var engine = await provider.CreateAsync(new RetryOptions(), context);

        Assert.Equal("retry", engine.EngineType);
        Assert.Equal(StorageProviderKind.Wrapper, provider.Kind);
        Assert.False(string.IsNullOrWhiteSpace(provider.Description));
    }

    private static async Task<int> FirstRetryDelayAsync(int seed)
    {
        var time = new FakeTimeProvider();
        var mock = new MockEngine(null, time);
        await using var engine = new RetryEngine(mock, new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(100), UseJitter = true, Seed = seed }, time);
        mock.Faults.Enqueue(MockOperation.Exists, StorageErrorCode.NetworkError);
        return await Task.Run(async () =>
        {
            var exists = engine.ExistsAsync("k").AsTask();
            int waited = 0;
            while (mock.Calls[MockOperation.Exists] < 2 && waited < 10_000)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
                waited++;
            }

            await exists;
            return waited;
        });
    }

    private sealed class ForwardOnlyStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
