using Atomiton.Storage.Emulators.OneDrive;
using Atomiton.Storage.Plugins.OneDrive;
using Xunit.Abstractions;

namespace Atomiton.Storage.OneDrive.Tests;

/// <summary>
/// A large object through one upload session whose connection drops three times: the SDK's upload task
/// resumes from the session's next expected range, the object arrives with the right hashes, and the
/// process's live heap grows by the emulator's copy of the object plus a few fragments, not by a second copy
/// (the plugin spools a read-once source to a temporary file). The live heap is measured after a full
/// collection as each fragment arrives at the emulator, so garbage not yet collected does not count: a
/// sampled heap that included it failed once in CI on a loaded machine (160 MiB for a bound of 156).
/// CI runs 64 MiB; the full size is an environment variable away (docs/providers/onedrive.md):
/// <c>ATOMITON_ONEDRIVE_LARGE_MIB=1024 dotnet test tests/Atomiton.Storage.OneDrive.Tests --filter FullyQualifiedName~OneDriveLargeUploadTests</c>.
/// </summary>
[Collection(OneDriveLargeUploadTests.MeasuredAlone)]
public sealed class OneDriveLargeUploadTests(ITestOutputHelper output)
{
    /// <summary>The collection of tests that measure the process's heap: no other test class runs beside them.</summary>
    public const string MeasuredAlone = "onedrive heap measured alone";

    private static long SizeBytes => (long.TryParse(Environment.GetEnvironmentVariable("ATOMITON_ONEDRIVE_LARGE_MIB"), out long mib) && mib > 0 ? mib : 64) * 1024 * 1024;

    [Fact]
    public async Task Upload_session_interrupted_three_times_completes_with_the_right_hashes_in_bounded_memory()
    {
        long size = SizeBytes;
        await using var server = await OneDriveEmulatorFixture.StartAsync(new GraphDriveOptions { QuotaTotal = 4 * size });
        var options = OneDriveEmulatorFixture.Options(server);
        options.ChunkSize = 32 * OneDriveOptions.FragmentUnit; // 10 MiB, the default
        options.SimpleUploadLimit = 4 * 1024 * 1024;
        options.MaxRetries = 0; // the drops reach the upload task, which resumes the session itself
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(server, options);
        int fragments = (int)((size + options.ChunkSize - 1) / options.ChunkSize);
        int[] dropped = [2, fragments / 2, fragments - 1];
        long livePeak = 0;
        // Evaluated first for every request (it never matches): the live heap as each fragment arrives.
        server.AddFault(new GraphDriveFault(GraphDriveFaultKind.DropConnection, r =>
        {
            if (r.Method == "PUT" && r.IsContentHost)
            {
                livePeak = Math.Max(livePeak, Heap());
            }

            return false;
        }, Times: int.MaxValue));
        server.AddFault(new GraphDriveFault(GraphDriveFaultKind.DropConnection,
            r => r.Method == "PUT" && r.IsContentHost && dropped.Contains(server.Requests.Count(x => x.Method == "PUT" && x.IsContentHost)), Times: 3));

        string expected;
        using (var hash = StorageContentHash.Create(StorageHashAlgorithms.QuickXor))
        {
            await using var source = new PatternStream(size, hash);
            long before = Heap();
            var saved = await engine.SaveAsync("large/object.bin", source);
            expected = hash.GetResult();

            Assert.Equal(size, saved.Size);
            Assert.Equal(expected, saved.Hashes[StorageHashAlgorithms.QuickXor]);
            long growth = Math.Max(livePeak, Heap()) - before;
            long bound = size + (6L * options.ChunkSize) + (32L * 1024 * 1024);
            output.WriteLine($"{size / (1024 * 1024)} MiB upload: peak live heap growth {growth / (1024 * 1024)} MiB (the emulator's copy of the object included), bound {bound / (1024 * 1024)} MiB");
            Assert.True(growth < bound, $"The live heap grew by {growth / (1024 * 1024)} MiB during a {size / (1024 * 1024)} MiB upload (the emulator's copy included); the bound is {bound / (1024 * 1024)} MiB.");
        }

        Assert.Equal((1, 0), (engine.SessionCounts.Created, engine.SessionCounts.Restarted));
        Assert.Equal(fragments + 3, server.Requests.Count(r => r.Method == "PUT" && r.IsContentHost));
        Assert.Equal(3, server.Requests.Count(r => r.Method == "PUT" && r.IsContentHost && r.Status == 0));

        await using var read = await engine.OpenReadAsync("large/object.bin");
        using var check = StorageContentHash.Create(StorageHashAlgorithms.QuickXor);
        var buffer = new byte[1024 * 1024];
        int n;
        while ((n = await read.Content.ReadAsync(buffer)) > 0)
        {
            check.Append(buffer.AsSpan(0, n));
        }

        Assert.Equal(expected, check.GetResult());
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>A non-seekable source of deterministic bytes that hashes what it yields.</summary>
    private sealed class PatternStream(long length, StorageContentHash hash) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(buffer.Length, length - _position);
            for (int i = 0; i < n; i++)
            {
                long p = _position + i;
                buffer[i] = (byte)((p * 31) ^ (p >> 11));
            }

            hash.Append(buffer[..n]);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Runs the heap-measuring tests with no other test class in parallel (their objects would count).</summary>
[CollectionDefinition(OneDriveLargeUploadTests.MeasuredAlone, DisableParallelization = true)]
public sealed class OneDriveMeasuredAlone
{
}
