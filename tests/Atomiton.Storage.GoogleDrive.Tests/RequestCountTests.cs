using System.Text;
using Xunit.Abstractions;

namespace Atomiton.Storage.GoogleDrive.Tests;

/// <summary>
/// Requests per operation, counted at the emulator (deterministic, unlike timings), against the
/// fewest the Drive API allows for the same result. docs/benchmarks.md ("Google Drive") quotes them.
/// </summary>
public sealed class RequestCountTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Each_operation_costs_the_documented_number_of_requests()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync(o => (o.ChunkSize, o.MultipartThreshold) = (1024 * 1024, 1024 * 1024));
        await engine.SaveAsync("warm", new MemoryStream([0])); // fetches the first 100 file ids
        var drive = environment.Drive;
        var counts = new List<(string Operation, int Requests)>();

        async Task Count(string operation, Func<Task> run)
        {
            drive.Requests.Clear();
            await run();
            counts.Add((operation, drive.Requests.Count));
        }

        var large = new byte[3 * 1024 * 1024 + 1];
        await Count("save small, new key", () => engine.SaveAsync("small", new MemoryStream(new byte[1024])).AsTask());
        await Count("save small, overwrite", () => engine.SaveAsync("small", new MemoryStream(new byte[1024])).AsTask());
        await Count("save 3 MiB + 1 (1 MiB chunks)", () => engine.SaveAsync("large", new MemoryStream(large)).AsTask());
        await Count("load", () => engine.LoadBytesAsync("small").AsTask());
        await Count("load a range", () => engine.LoadBytesAsync("large", new ReadOptions { Range = ByteRange.From(10, 100) }).AsTask());
        await Count("stat", () => engine.StatAsync("small").AsTask());
        await Count("delete", () => engine.DeleteAsync("warm").AsTask());
        await Count("copy", () => engine.CopyAsync("small", "small-copy").AsTask());
        await Count("move", () => engine.MoveAsync("small-copy", "small-moved").AsTask());
        string cursor = await engine.GetChangeCursorAsync();
        for (int i = 0; i < 10; i++)
        {
            await engine.SaveAsync($"changed/{i}", new MemoryStream([1]));
        }

        await Count("changes since a cursor (10 changes)", () => engine.ReadChangesAsync(cursor).AsTask());

        int existing = await engine.ListAsync().CountAsync();
        using (var raw = await RawDrive.ClientAsync(environment))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, 10_000 - existing), new ParallelOptions { MaxDegreeOfParallelism = 8 },
                async (i, _) => await RawDrive.CreateAsync(raw, $"many/{i:D5}", [1]));
        }

        int listed = 0;
        await Count("list 10,000 keys", async () => listed = await engine.ListAsync().CountAsync());
        Assert.Equal(10_000, listed);

        var table = new StringBuilder();
        foreach (var (operation, requests) in counts)
        {
            table.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{operation}: {requests}");
        }

        output.WriteLine(table.ToString());
        Assert.Equal(
            [
                ("save small, new key", 2),
                ("save small, overwrite", 2),
                ("save 3 MiB + 1 (1 MiB chunks)", 6),
                ("load", 2),
                ("load a range", 2),
                ("stat", 1),
                ("delete", 2),
                ("copy", 3),
                ("move", 4),
                ("changes since a cursor (10 changes)", 1),
                ("list 10,000 keys", 10),
            ],
            counts);
    }
}
