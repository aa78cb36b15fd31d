using Atomiton.Storage.Memory;
using Atomiton.Storage.Resilience.Timeout;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Resilience.Tests.Timeout;

/// <summary>
/// The call budget (<c>timeout</c>) and the step budget (<c>ioTimeout</c>): a transfer longer than the
/// call budget succeeds while every step makes progress, and fails with Timeout when one step stalls.
/// Time is a fake clock moved by <see cref="DriveAsync"/> one step at a time, only while a read waits (no sleeps).
/// </summary>
public sealed class TransferTimeoutTests
{
    private const int Steps = 100;
    private const int StepBytes = 1024;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);
    private static readonly TimeoutOptions Budgets = new() { Timeout = TimeSpan.FromSeconds(30), IoTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task A_save_of_100_slow_steps_longer_than_the_call_budget_succeeds()
    {
        var time = new FakeTimeProvider();
        var memory = new MemoryEngine();
        await using var engine = new TimeoutEngine(memory, Budgets, time);
        var content = Content();
        var source = new SteppingStream(content, time, new SemaphoreSlim(0));
        var start = time.GetUtcNow();

        var save = Task.Run(async () => await engine.SaveAsync("big.bin", source));
        await DriveAsync(time, source.Waiting, save);

        var item = await save;
        Assert.Equal(content.Length, item.Size);
        Assert.Equal(content, await memory.LoadBytesAsync("big.bin"));
        Assert.True(time.GetUtcNow() - start >= TimeSpan.FromSeconds(Steps), "the transfer took longer than the 30 s call budget");
    }

    [Fact]
    public async Task A_save_whose_content_stalls_fails_with_Timeout_naming_the_stage_and_writes_nothing()
    {
        var time = new FakeTimeProvider();
        var memory = new MemoryEngine();
        await using var engine = new TimeoutEngine(memory, Budgets, time);
        var source = new SteppingStream(Content(), time, new SemaphoreSlim(0)) { StallAtRead = 50 };

        var save = Task.Run(async () => await engine.SaveAsync("big.bin", source));
        await DriveAsync(time, source.Waiting, save);

        var error = await Assert.ThrowsAsync<StorageException>(() => save);
        Assert.Equal(StorageErrorCode.Timeout, error.Code);
        Assert.True(error.IsTransient);
        Assert.Equal("save", error.Operation);
        Assert.Equal("big.bin", error.Key);
        Assert.Contains("stage 'timeout'", error.Message, StringComparison.Ordinal);
        Assert.Contains("option 'ioTimeout'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no progress for 5 s", error.Message, StringComparison.Ordinal);
        Assert.False(await memory.ExistsAsync("big.bin"));
    }

    [Fact]
    public async Task A_load_of_100_slow_steps_longer_than_the_call_budget_succeeds()
    {
        var time = new FakeTimeProvider();
        var content = Content();
        var memory = new MemoryEngine();
        await memory.SaveAsync("big.bin", content);
        var slow = new SteppingContentEngine(memory, time, stallAtRead: null);
        await using var engine = new TimeoutEngine(slow, Budgets, time);
        var start = time.GetUtcNow();

        var load = Task.Run(async () =>
        {
            await using var result = await engine.OpenReadAsync("big.bin");
            var copy = new MemoryStream();
            await result.Content.CopyToAsync(copy);
            return copy.ToArray();
        });
        await DriveAsync(time, slow.Waiting, load);

        Assert.Equal(content, await load);
        Assert.True(time.GetUtcNow() - start >= TimeSpan.FromSeconds(Steps), "the transfer took longer than the 30 s call budget");
    }

    [Fact]
    public async Task A_load_whose_read_stalls_fails_with_Timeout_naming_the_stage_and_operation()
    {
        var time = new FakeTimeProvider();
        var memory = new MemoryEngine();
        await memory.SaveAsync("big.bin", Content());
        var slow = new SteppingContentEngine(memory, time, stallAtRead: 20);
        await using var engine = new TimeoutEngine(slow, Budgets, time);

        var load = Task.Run(async () =>
        {
            await using var result = await engine.OpenReadAsync("big.bin");
            await result.Content.CopyToAsync(Stream.Null);
        });
        await DriveAsync(time, slow.Waiting, load);

        var error = await Assert.ThrowsAsync<StorageException>(() => load);
        Assert.Equal(StorageErrorCode.Timeout, error.Code);
        Assert.Equal("load", error.Operation);
        Assert.Equal("big.bin", error.Key);
        Assert.Contains("stage 'timeout'", error.Message, StringComparison.Ordinal);
        Assert.Contains("option 'ioTimeout'", error.Message, StringComparison.Ordinal);
        // The stalled read beneath is cancelled, not left running (hang guard: minutes).
        await slow.Stream!.StalledReadCancelled.WaitAsync(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public void Defaults_are_OpenDAL_like_and_both_budgets_are_validated()
    {
        var options = new TimeoutOptions();
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.IoTimeout);

        var invalid = new TimeoutOptions { Timeout = TimeSpan.Zero, IoTimeout = TimeSpan.FromDays(2) };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(invalid, new(invalid), results, validateAllProperties: true));
        Assert.Equal(["Timeout", "IoTimeout"], results.SelectMany(r => r.MemberNames));
    }

    private static byte[] Content()
    {
        var bytes = new byte[Steps * StepBytes];
        new Random(100).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Moves the clock one step each time a read waits, until <paramref name="work"/> ends (hang guard: minutes).</summary>
    private static async Task DriveAsync(FakeTimeProvider time, SemaphoreSlim waiting, Task work)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (!work.IsCompleted)
        {
            var next = waiting.WaitAsync(guard.Token);
            if (await Task.WhenAny(next, work) == work)
            {
                return;
            }

            await next;
            time.Advance(Step);
        }
    }

    /// <summary>Content served <see cref="StepBytes"/> at a time, each read waiting one <see cref="Step"/> of the fake clock; one read may stall for ever.</summary>
    private sealed class SteppingStream(byte[] content, TimeProvider time, SemaphoreSlim waiting) : Stream
    {
        private readonly TaskCompletionSource _stalledReadCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private int _position;
        private int _reads;

        public SemaphoreSlim Waiting => waiting;

        public int? StallAtRead { get; init; }

        public Task StalledReadCancelled => _stalledReadCancelled.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == content.Length || buffer.Length == 0)
            {
                return 0;
            }

            bool stall = ++_reads == StallAtRead;
            var wait = Task.Delay(stall ? System.Threading.Timeout.InfiniteTimeSpan : Step, time, cancellationToken);

            // A stalled read lets the clock run on (up to 100 steps) until a budget cancels it.
            Waiting.Release(stall ? Steps : 1);
            try
            {
                await wait;
            }
            catch (OperationCanceledException) when (stall)
            {
                _stalledReadCancelled.SetResult();
                throw;
            }

            int count = Math.Min(Math.Min(StepBytes, buffer.Length), content.Length - _position);
            content.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>An engine whose loaded content arrives through a <see cref="SteppingStream"/>.</summary>
    private sealed class SteppingContentEngine(IStorageEngine inner, TimeProvider time, int? stallAtRead) : DelegatingStorageEngine(inner)
    {
        public SemaphoreSlim Waiting { get; } = new(0);

        public SteppingStream? Stream { get; private set; }

        public override string EngineType => "stepping";

        protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
        {
            var bytes = await Inner.LoadBytesAsync(key, options, cancellationToken);
            var item = await Inner.StatAsync(key, cancellationToken);
            Stream = new SteppingStream(bytes, time, Waiting) { StallAtRead = stallAtRead };
            return new StorageReadResult(item, Stream);
        }
    }
}
