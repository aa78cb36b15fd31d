using Atomiton.Storage.Emulators.OneDrive;
using Xunit.Abstractions;

namespace Atomiton.Storage.OneDrive.Tests;

/// <summary>How many HTTP requests each operation costs against the emulator (exact; the figures of docs/benchmarks.md).</summary>
public sealed class OneDriveRequestCountTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Each_operation_takes_a_known_number_of_requests()
    {
        await using var server = await OneDriveEmulatorFixture.StartAsync();
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(server);
        var counts = new List<(string Operation, int Requests)>();
        async Task Measure(string name, Func<Task> operation)
        {
            server.ClearRequests();
            await operation();
            counts.Add((name, server.Requests.Count));
            output.WriteLine($"{name}: {server.Requests.Count}");
        }

        await Measure("save 1 KiB (new folder on the way)", async () => await engine.SaveAsync("n/a/small.bin", new MemoryStream(new byte[1024])));
        await Measure("save 1 MiB (session, 320 KiB fragments)", async () => await engine.SaveAsync("n/a/big.bin", new MemoryStream(new byte[1024 * 1024])));
        await Measure("stat", async () => await engine.StatAsync("n/a/small.bin"));
        await Measure("load", async () => await engine.LoadBytesAsync("n/a/small.bin"));
        await Measure("copy", async () => await engine.CopyAsync("n/a/small.bin", "copy.bin"));
        await Measure("move", async () => await engine.MoveAsync("copy.bin", "moved.bin"));
        await Measure("delete (folder stays)", async () => await engine.DeleteAsync("n/a/small.bin"));
        await Measure("delete (last in its folders)", async () => await engine.DeleteAsync("n/a/big.bin"));
        for (int i = 0; i < 1000; i++)
        {
            await engine.SaveAsync($"many/{i:D4}", new MemoryStream([1]));
        }

        await Measure("list 1,000 keys in one folder", async () => await engine.ListAsync().CountAsync());
        string cursor = "";
        await Measure("change cursor", async () => cursor = await engine.GetChangeCursorAsync());
        for (int i = 0; i < 10; i++)
        {
            await engine.SaveAsync($"many/{i:D4}", new MemoryStream([2]));
        }

        StorageChangePage page = null!;
        await Measure("10 changes over 1,000 keys", async () => page = await engine.ReadChangesAsync(cursor));
        Assert.Equal(10, page.Changes.Count);
        await Measure("delete 20 keys ($batch)", async () => await engine.DeleteManyAsync([.. Enumerable.Range(0, 20).Select(i => $"many/{i:D4}")]));

        Assert.Equal(
            [("save 1 KiB (new folder on the way)", 1), ("save 1 MiB (session, 320 KiB fragments)", 5), ("stat", 1), ("load", 2), ("copy", 6), ("move", 3),
             ("delete (folder stays)", 3), ("delete (last in its folders)", 6), ("list 1,000 keys in one folder", 2), ("change cursor", 1), ("10 changes over 1,000 keys", 1), ("delete 20 keys ($batch)", 3)],
            counts);
    }
}
