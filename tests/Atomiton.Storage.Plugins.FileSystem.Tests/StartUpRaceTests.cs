using System.Globalization;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// Engines starting together on one baseDir while others already save: the start-up cleaning of
/// <c>%_tmp</c> never removes a live engine's owner file or temporaries, so no save is lost —
/// within one process and across processes.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class StartUpRaceTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(5);

    private readonly TemporaryFolder _folder = new("start-race");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sixteen_engines_starting_together_and_restarting_while_others_save_lose_no_save(bool checkEachComponent)
    {
        const int engines = 16;
        const int rounds = 10;
        const int saves = 20;
        var resolution = checkEachComponent ? PathResolution.CheckEachComponent : PathResolution.Kernel;
        using var barrier = new Barrier(engines);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var workers = Enumerable.Range(0, engines).Select(index => Task.Factory.StartNew(async () =>
        {
            barrier.SignalAndWait();
            // Each engine restarts a few times, so engines start (and clean) while others save.
            for (int round = 0; round < rounds; round++)
            {
                await using var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path }, null, null, resolution);
                for (int n = 0; n < saves; n++)
                {
                    try
                    {
                        await engine.SaveAsync($"{index}/{round}/{n}", new byte[] { 1 });
                    }
                    catch (StorageException e)
                    {
                        failures.Enqueue(e.Message);
                    }
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());

        await Task.WhenAll(workers).WaitAsync(Guard);

        Assert.True(failures.IsEmpty, $"{failures.Count} of {engines * rounds * saves} saves failed, first: {failures.FirstOrDefault()}");
        await using var check = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path });
        Assert.Equal(engines * rounds * saves, (await check.ListAsync(new ListOptions { KeysOnly = true }).ToListAsync()).Count);
    }

    [Fact]
    public async Task Engines_of_four_processes_starting_together_and_restarting_while_others_save_lose_no_save()
    {
        const int processes = 4;
        const int engines = 4;
        const int rounds = 10;
        const int saves = 20;
        var workers = Enumerable.Range(0, processes)
            .Select(_ => new WorkerProcess("starts", _folder.Path, engines.ToString(CultureInfo.InvariantCulture), rounds.ToString(CultureInfo.InvariantCulture), saves.ToString(CultureInfo.InvariantCulture)))
            .ToList();
        try
        {
            await Task.WhenAll(workers.Select(worker => worker.ReadUntilAsync("ready"))).WaitAsync(Guard);
            await Task.WhenAll(workers.Select(worker => worker.SendAsync("go")));
            var reports = await Task.WhenAll(workers.Select(worker => worker.ReadUntilAsync("done"))).WaitAsync(Guard);

            Assert.All(reports, lines => Assert.StartsWith("lost 0:", Assert.Single(lines), StringComparison.Ordinal));
            await Task.WhenAll(workers.Select(worker => worker.WaitForExitAsync())).WaitAsync(Guard);
        }
        finally
        {
            workers.ForEach(worker => worker.Dispose());
        }

        await using var check = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path });
        Assert.Equal(processes * engines * rounds * saves, (await check.ListAsync(new ListOptions { KeysOnly = true }).ToListAsync()).Count);
    }

    public void Dispose() => _folder.Dispose();
}
