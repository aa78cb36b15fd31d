using Atomiton.Storage.Memory;

namespace Atomiton.Storage.Tests.Abstractions;

/// <summary><c>LoadBytesAsync</c> reaches an engine's <c>LoadBytesCoreAsync</c> after the same checks as <c>OpenReadAsync</c>.</summary>
public sealed class LoadBytesCoreTests
{
    [Fact]
    public async Task LoadBytes_asks_the_engine_for_an_array_when_it_derives_from_StorageEngine()
    {
        await using var engine = new ArrayAnsweringEngine(new MemoryEngine());
        await engine.SaveAsync("k", new byte[] { 1, 2, 3 });

        Assert.Equal(new byte[] { 9 }, await engine.LoadBytesAsync("k"));
        await using var opened = await engine.OpenReadAsync("k");
        Assert.Equal(new byte[] { 1, 2, 3 }, await opened.ReadAllAsync());
    }

    [Fact]
    public async Task Argument_errors_arrive_in_the_returned_task_as_before()
    {
        await using var engine = new ArrayAnsweringEngine(new MemoryEngine());

        var pending = engine.LoadBytesAsync("../escape");
        var error = await Assert.ThrowsAsync<StorageException>(async () => await pending);

        Assert.Equal(StorageErrorCode.InvalidKey, error.Code);
        Assert.Equal(0, engine.Calls);
    }

    [Fact]
    public async Task Unsupported_ranges_are_refused_before_the_engine_is_asked()
    {
        await using var engine = new ContextlessFailingEngine(StorageCapabilities.Standard & ~StorageCapabilities.RangeRead);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("k", new ReadOptions { Range = ByteRange.From(1) }));

        Assert.Equal(StorageErrorCode.UnsupportedOperation, error.Code);
    }

    [Fact]
    public async Task Errors_of_the_default_path_name_the_engine_operation_and_key()
    {
        await using var engine = new ContextlessFailingEngine();

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("some/key"));

        Assert.Equal(new { Provider = (string?)"contextless", Operation = (string?)"load", Key = (string?)"some/key" }, new { error.Provider, error.Operation, error.Key });
    }

    [Fact]
    public async Task Synchronous_and_asynchronous_failures_of_an_override_name_the_engine_operation_and_key()
    {
        await using var engine = new ArrayAnsweringEngine(new MemoryEngine()) { Failure = new StorageException(StorageErrorCode.Integrity, "bare") };

        var now = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("a/b"));
        engine.FailLater = true;
        var later = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("a/b"));

        foreach (var error in new[] { now, later })
        {
            Assert.Equal(StorageErrorCode.Integrity, error.Code);
            Assert.Equal(new { Provider = (string?)"answering", Operation = (string?)"load", Key = (string?)"a/b" }, new { error.Provider, error.Operation, error.Key });
        }
    }

    /// <summary>Answers every whole load with the array { 9 }, or fails as told.</summary>
    private sealed class ArrayAnsweringEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "answering";

        public int Calls { get; private set; }

        public StorageException? Failure { get; init; }

        public bool FailLater { get; set; }

        protected override ValueTask<byte[]> LoadBytesCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
        {
            Calls++;
            if (Failure is { } failure)
            {
                return FailLater ? FailAsync(failure) : throw failure;
            }

            return ValueTask.FromResult(new byte[] { 9 });
        }

        private static async ValueTask<byte[]> FailAsync(StorageException failure)
        {
            await Task.Yield();
            throw failure;
        }
    }
}
