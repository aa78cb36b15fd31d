using System.Globalization;
using Atomiton.Storage.Emulators.Dropbox;

namespace Atomiton.Storage.Plugins.Dropbox.Tests;

/// <summary>
/// A large object through an upload session interrupted three times — a connection cut mid-chunk
/// (nothing kept), a chunk whose answer was lost (Dropbox kept it: <c>incorrect_offset</c>, resumed
/// at <c>correct_offset</c>) and a <c>finish</c> whose answer was lost — completes with the right
/// content hash, in memory bounded by the chunk size, not the object's. 64 MiB here; the 1 GiB run is
/// <c>ATOMITON_DROPBOX_LARGE_MIB=1024 dotnet test tests/Atomiton.Storage.Plugins.Dropbox.Tests --filter FullyQualifiedName~LargeUploadTests</c>.
/// </summary>
[Collection(MeasuredAlone.Name)]
public sealed class LargeUploadTests
{
    private static long Size => 1024L * 1024 * (long.TryParse(Environment.GetEnvironmentVariable("ATOMITON_DROPBOX_LARGE_MIB"), NumberStyles.None, CultureInfo.InvariantCulture, out long mib) ? mib : 64);

    [Fact]
    public async Task An_upload_session_interrupted_three_times_completes_with_the_right_hash_in_bounded_memory()
    {
        long size = Size;
        await using var server = await DropboxTestServer.StartAsync(new DropboxEmulatorOptions { SpaceAllocated = 4 * size });
        var options = server.Options();
        options.ChunkSize = 8 * 1024 * 1024;
        await using var engine = await server.ConnectAsync(options);
        var faults = server.Server.Faults;
        faults.Add("files/upload_session/append_v2", DropboxFaults.Kind.CutMidBody);
        faults.Add("files/upload_session/append_v2", DropboxFaults.Kind.CutAfterEffect);
        faults.Add("files/upload_session/finish", DropboxFaults.Kind.CutAfterEffect);

        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var saved = await engine.SaveAsync("large/object.bin", new GeneratedStream(size, seed: 19));
        long allocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;

        Assert.Equal(0, faults.Pending);
        Assert.Equal(size, saved.Size);
        Assert.Equal(ExpectedHash(size, seed: 19), saved.Hashes[StorageHashAlgorithms.Dropbox]);
        long chunks = (size + options.ChunkSize - 1) / options.ChunkSize;
        Assert.Equal(chunks - 2 + 2, faults.Count("files/upload_session/append_v2")); // every middle chunk once, two of them twice
        Assert.Equal(2, faults.Count("files/upload_session/finish"));
        // The client holds one chunk (and the emulator, in this process, its copy buffers); never the object.
        long bound = (4L * options.ChunkSize) + (16L * 1024 * 1024);
        Assert.True(allocatedBytes < bound, $"Saving {size} bytes allocated {allocatedBytes} bytes; the bound is {bound} (a few chunks).");

        await using var read = await engine.OpenReadAsync("large/object.bin");
        using var hash = StorageContentHash.Create(StorageHashAlgorithms.Dropbox);
        var buffer = new byte[1024 * 1024];
        int n;
        while ((n = await read.Content.ReadAsync(buffer)) > 0)
        {
            hash.Append(buffer.AsSpan(0, n));
        }

        Assert.Equal(saved.Hashes[StorageHashAlgorithms.Dropbox], hash.GetResult());
    }

    private static string ExpectedHash(long size, int seed)
    {
        using var source = new GeneratedStream(size, seed);
        using var hash = StorageContentHash.Create(StorageHashAlgorithms.Dropbox);
        var buffer = new byte[1024 * 1024];
        int n;
        while ((n = source.Read(buffer)) > 0)
        {
            hash.Append(buffer.AsSpan(0, n));
        }

        return hash.GetResult();
    }
}

/// <summary>Runs its tests with no other test of the project in parallel: they measure the whole process's allocations.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAlone
{
    public const string Name = "measured alone";
}
