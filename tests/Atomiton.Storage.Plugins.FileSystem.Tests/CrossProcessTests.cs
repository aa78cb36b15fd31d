using System.Globalization;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>Conditional writes hold across processes sharing one baseDir.</summary>
[Collection(RunsAlone.Name)]
public sealed class CrossProcessTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cross-process");

    [Fact]
    public async Task Two_processes_racing_create_only_saves_win_each_key_exactly_once()
    {
        const int keys = 1000;
        using var first = new WorkerProcess("create", _folder.Path, keys.ToString(CultureInfo.InvariantCulture), "1");
        using var second = new WorkerProcess("create", _folder.Path, keys.ToString(CultureInfo.InvariantCulture), "2");
        await first.ReadUntilAsync("ready");
        await second.ReadUntilAsync("ready");

        await Task.WhenAll(first.SendAsync("go"), second.SendAsync("go"));
        var won = await Task.WhenAll(first.ReadUntilAsync("done"), second.ReadUntilAsync("done"));

        Assert.Empty(won[0].Intersect(won[1]));
        Assert.Equal(keys, won[0].Count + won[1].Count);
        Assert.True(won[0].Count > 0 && won[1].Count > 0, $"No race happened: {won[0].Count} vs {won[1].Count} wins.");
        await first.WaitForExitAsync();
        await second.WaitForExitAsync();
    }

    [Fact]
    public async Task Two_processes_incrementing_with_if_match_lose_no_update()
    {
        const int increments = 150;
        await using (var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path }))
        {
            await engine.SaveAsync("counter", "0"u8.ToArray());
        }

        using var first = new WorkerProcess("increment", _folder.Path, "counter", increments.ToString(CultureInfo.InvariantCulture));
        using var second = new WorkerProcess("increment", _folder.Path, "counter", increments.ToString(CultureInfo.InvariantCulture));
        await first.ReadUntilAsync("ready");
        await second.ReadUntilAsync("ready");
        await Task.WhenAll(first.SendAsync("go"), second.SendAsync("go"));
        await Task.WhenAll(first.ReadUntilAsync("done"), second.ReadUntilAsync("done"));

        await using var check = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path });
        Assert.Equal((2 * increments).ToString(CultureInfo.InvariantCulture), System.Text.Encoding.UTF8.GetString(await check.LoadBytesAsync("counter")));
    }

    public void Dispose() => _folder.Dispose();
}
