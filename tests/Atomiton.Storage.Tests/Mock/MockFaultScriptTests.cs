using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;

namespace Atomiton.Storage.Tests.Mock;

public sealed class MockFaultScriptTests
{
    public static TheoryData<MockOperation> Operations => new(Enum.GetValues<MockOperation>());

    [Fact]
    public async Task Queued_fault_fails_the_next_call_of_its_operation_only()
    {
        await using var engine = new MockEngine();
        engine.Faults.Enqueue(MockOperation.Save, StorageErrorCode.NetworkError);
        Assert.Equal(1, engine.Faults.Pending);

        await engine.StatAsync("missing").AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("a", new byte[] { 1 }).AsTask());
        await engine.SaveAsync("a", new byte[] { 2 });

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.Contains("scripted", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, engine.Faults.Pending);
        Assert.Equal(new byte[] { 2 }, await engine.LoadBytesAsync("a"));
        Assert.Equal(2, engine.Calls[MockOperation.Save]);
        Assert.Equal(1, engine.Calls.InjectedFailures);
    }

    [Fact]
    public async Task Queued_faults_are_consumed_in_order_and_counted()
    {
        await using var engine = new MockEngine();
        engine.Faults.Enqueue(MockOperation.Load, StorageErrorCode.AccessDenied, count: 2);
        engine.Faults.Enqueue(MockOperation.Load, MockFault.RateLimited(TimeSpan.FromSeconds(3)));
        await engine.SaveAsync("k", new byte[] { 1 });

        var codes = new List<StorageErrorCode>();
        for (int i = 0; i < 3; i++)
        {
            var error = await Assert.ThrowsAsync<StorageException>(() => engine.LoadBytesAsync("k").AsTask());
            codes.Add(error.Code);
            if (error.Code == StorageErrorCode.RateLimited)
            {
                Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
                Assert.True(error.IsTransient);
            }
            else
            {
                Assert.False(error.IsTransient);
            }
        }

        Assert.Equal([StorageErrorCode.AccessDenied, StorageErrorCode.AccessDenied, StorageErrorCode.RateLimited], codes);
        Assert.Equal(new byte[] { 1 }, await engine.LoadBytesAsync("k"));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Every_operation_can_be_failed_by_script(MockOperation operation)
    {
        await using var engine = new MockEngine();
        await engine.SaveAsync("src", new byte[] { 1 });
        engine.Faults.Enqueue(operation, StorageErrorCode.Unknown);

        var error = await Assert.ThrowsAsync<StorageException>(() => Invoke(engine, operation));

        Assert.Equal(StorageErrorCode.Unknown, error.Code);
        Assert.Equal(MockFaultNames[operation], error.Operation);
        await Invoke(engine, operation);
    }

    [Fact]
    public async Task Standing_rule_fails_matching_calls_until_disposed()
    {
        await using var engine = new MockEngine();
        var outage = engine.Faults.FailWhen((operation, key) => key?.StartsWith("remote/", StringComparison.Ordinal) == true, new MockFault(StorageErrorCode.NetworkError));

        await engine.SaveAsync("local/a", new byte[] { 1 });
        await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("remote/a", new byte[] { 1 }).AsTask());
        await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("remote/b", new byte[] { 1 }).AsTask());
        outage.Dispose();
        await engine.SaveAsync("remote/a", new byte[] { 1 });

        Assert.Equal(2, engine.Calls.InjectedFailures);
    }

    [Fact]
    public async Task Queued_fault_wins_over_a_standing_rule_and_clear_removes_both()
    {
        await using var engine = new MockEngine();
        using var all = engine.Faults.FailAll(StorageErrorCode.NetworkError);
        engine.Faults.Enqueue(MockOperation.Stat, StorageErrorCode.AuthenticationFailed);

        var first = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());
        var second = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());
        engine.Faults.Enqueue(MockOperation.Stat, StorageErrorCode.AuthenticationFailed);
        engine.Faults.Clear();

        Assert.Equal(StorageErrorCode.AuthenticationFailed, first.Code);
        Assert.Equal(StorageErrorCode.NetworkError, second.Code);
        Assert.Equal(0, engine.Faults.Pending);
        Assert.False(await engine.ExistsAsync("k"));
    }

    [Fact]
    public async Task Fault_after_completion_applies_the_change_but_reports_an_error()
    {
        await using var engine = new MockEngine();
        engine.Faults.Enqueue(MockOperation.Save, new MockFault(StorageErrorCode.NetworkError) { AfterCompletion = true });

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("k", new byte[] { 4 }).AsTask());

        Assert.Contains("result was lost", error.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 4 }, await engine.LoadBytesAsync("k"));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Every_operation_can_lose_its_result_after_completion(MockOperation operation)
    {
        await using var engine = new MockEngine();
        await engine.SaveAsync("src", new byte[] { 1 });
        engine.Faults.Enqueue(operation, new MockFault(StorageErrorCode.NetworkError) { AfterCompletion = true });

        var error = await Assert.ThrowsAsync<StorageException>(() => Invoke(engine, operation));

        Assert.Equal(MockFaultNames[operation], error.Operation);
        Assert.Equal(1, engine.Calls.InjectedFailures);
    }

    [Fact]
    public void Enqueue_refuses_a_non_positive_count_and_null_arguments()
    {
        var script = new MockFaultScript();
        Assert.Throws<ArgumentOutOfRangeException>(() => script.Enqueue(MockOperation.Save, StorageErrorCode.NetworkError, 0));
        Assert.Throws<ArgumentNullException>(() => script.Enqueue(MockOperation.Save, null!));
        Assert.Throws<ArgumentNullException>(() => script.FailWhen(null!, new MockFault(StorageErrorCode.NetworkError)));
    }

    private static readonly Dictionary<MockOperation, string> MockFaultNames = new()
    {
        [MockOperation.Save] = "save",
        [MockOperation.Load] = "load",
        [MockOperation.Stat] = "stat",
        [MockOperation.Exists] = "exists",
        [MockOperation.Delete] = "delete",
        [MockOperation.List] = "list",
        [MockOperation.Copy] = "copy",
        [MockOperation.Move] = "move",
        [MockOperation.GetInfo] = "info",
    };

    private static async Task Invoke(MockEngine engine, MockOperation operation)
    {
        switch (operation)
        {
            case MockOperation.Save:
                await engine.SaveAsync("dst", new byte[] { 2 });
                break;
            case MockOperation.Load:
                await engine.LoadBytesAsync("src");
                break;
            case MockOperation.Stat:
                await engine.StatAsync("src");
                break;
            case MockOperation.Exists:
                await engine.ExistsAsync("src");
                break;
            case MockOperation.Delete:
                await engine.DeleteAsync("dst");
                break;
            case MockOperation.List:
                await foreach (var entry in engine.ListAsync())
                {
                    Assert.NotNull(entry.Key);
                }

                break;
            case MockOperation.Copy:
                await engine.CopyAsync("src", "copy");
                break;
            case MockOperation.Move:
                await engine.SaveAsync("moving", new byte[] { 3 });
                await engine.MoveAsync("moving", "moved");
                break;
            default:
                await engine.GetInfoAsync();
                break;
        }
    }
}
