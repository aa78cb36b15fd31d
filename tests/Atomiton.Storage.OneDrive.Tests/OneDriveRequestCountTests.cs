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

    /// <summary>
    /// Delta costs one request per page whatever the drive holds: 10,000 keys are seeded into the emulator's
    /// store directly (uploading them one by one through the plugin would take minutes on CI), a cursor is
    /// taken, 10 keys change through the plugin, and the changes since the cursor come in ⌈entries/page⌉
    /// delta requests, where the entries are the 10 files and the 2 folders their saves touched (Graph
    /// reports changed folders too; the plugin leaves them out).
    /// </summary>
    [Fact]
    public async Task Delta_with_10_changes_over_10000_keys_takes_one_request_per_page()
    {
        await using var server = await OneDriveEmulatorFixture.StartAsync();
        server.SeedFiles("many", Enumerable.Range(0, 10_000).Select(i => KeyValuePair.Create($"{i:D5}", new byte[] { 1 })));
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(server);
        Assert.Equal(10_000, await engine.ListAsync(new ListOptions { Prefix = "many/" }).CountAsync());
        string cursor = await engine.GetChangeCursorAsync();
        for (int i = 0; i < 10; i++)
        {
            await engine.SaveAsync($"many/{i * 1000:D5}", new MemoryStream([2]));
        }

        server.ClearRequests();
        var page = await engine.ReadChangesAsync(cursor);
        int requests = server.Requests.Count;
        output.WriteLine($"10 changes over 10,000 keys, pages of 200: {requests} request(s)");
        Assert.Equal(1, requests);
        Assert.False(page.HasMore);
        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"many/{i * 1000:D5}")], page.Changes.Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.All(page.Changes, c => Assert.Equal(StorageChangeKind.Upserted, c.Kind));

        server.ClearRequests();
        var keys = new List<string>();
        string next = cursor;
        StorageChangePage small;
        do
        {
            small = await engine.ReadChangesAsync(next, new ChangeReadOptions { PageSize = 4 });
            keys.AddRange(small.Changes.Select(c => c.Key));
            next = small.Cursor;
        }
        while (small.HasMore);

        output.WriteLine($"the same, pages of 4: {server.Requests.Count} request(s)");
        Assert.Equal(3, server.Requests.Count); // ⌈12 entries / 4⌉
        Assert.Equal(10, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(server.Requests, r => Assert.Contains("/delta", r.Target, StringComparison.Ordinal));
    }
}
