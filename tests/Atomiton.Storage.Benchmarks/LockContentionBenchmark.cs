using System.Diagnostics;
using System.Globalization;
using Atomiton.Storage.Plugins.FileSystem;

namespace Atomiton.Storage.Benchmarks;

/// <summary>
/// Save latency under lock contention: 1, 8 and 32 writers saving 1 KiB objects to 4 keys of one
/// filesystem engine, optionally beside 8 readers that load those keys in a loop (the shape of
/// <c>ConcurrencyTests</c>). BenchmarkDotNet reports per-invocation means, not the tail of single
/// operations under contention, so this is a custom measured run: every save is timed and the run
/// prints p50, p99 and the maximum, with a peer measured side by side in the same run — the same
/// writers on raw System.IO (temp file, rename) serialised by one <see cref="SemaphoreSlim"/> per key,
/// the floor of any in-process lock. Run: <c>dotnet run -c Release -- lock-contention</c> (add <c>two-engines</c> for the
/// last scenario alone: writers split between two engines on one folder in one process).
/// </summary>
internal static class LockContentionBenchmark
{
    private const int Keys = 4;
    private const int SavesPerRound = 8_000;
    private const int Rounds = 3;

    /// <summary>Runs every scenario, or with <paramref name="twoEnginesOnly"/> only the writers split between two engines on one folder.</summary>
    public static async Task RunAsync(bool twoEnginesOnly)
    {
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {RuntimeInfo()}");
        Console.WriteLine("| writers | readers | saver | saves | p50 | p99 | max | saves/s |");
        Console.WriteLine("|---:|---:|---|---:|---:|---:|---:|---:|");
        if (!twoEnginesOnly)
        {
            foreach (var (writers, readers) in new[] { (1, 0), (8, 0), (32, 0), (8, 8) })
            {
                await MeasureAsync("engine", writers, readers, root => new EngineSaver(root, 1));
                await MeasureAsync("raw + SemaphoreSlim", writers, readers, root => new RawSaver(root));
            }
        }

        // Two engines on one base folder in one process (a migration beside a host), writers alternating between them.
        foreach (int writers in new[] { 8, 32 })
        {
            await MeasureAsync("2 engines, one folder", writers, 0, root => new EngineSaver(root, 2));
        }
    }

    private static string RuntimeInfo() =>
        System.Runtime.InteropServices.RuntimeInformation.OSDescription;

    private static async Task MeasureAsync(string name, int writers, int readers, Func<string, ISaver> create)
    {
        string root = Path.Combine(Path.GetTempPath(), "atomiton-bench-locks-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            await using var saver = create(root);
            byte[] content = new byte[1024];
            new Random(1).NextBytes(content);
            await RoundAsync(saver, content, writers, readers, SavesPerRound / 4); // warm-up: JIT to tier 1, folders exist
            var all = new List<long>();
            var clock = Stopwatch.StartNew();
            for (int round = 0; round < Rounds; round++)
            {
                all.AddRange(await RoundAsync(saver, content, writers, readers, SavesPerRound));
            }

            double seconds = clock.Elapsed.TotalSeconds;
            all.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {writers} | {readers} | {name} | {all.Count} | {Format(Percentile(all, 0.50))} | {Format(Percentile(all, 0.99))} | {Format(all[^1])} | {all.Count / seconds:N0} |"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // Every writer saves its share of the round; readers load until the writers are done.
    private static async Task<long[]> RoundAsync(ISaver saver, byte[] content, int writers, int readers, int saves)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int perWriter = saves / writers;
        var latencies = new long[perWriter * writers];
        var writing = Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            await start.Task;
            for (int i = 0; i < perWriter; i++)
            {
                string key = "hot/" + ((writer + i) % Keys).ToString(CultureInfo.InvariantCulture);
                long begin = Stopwatch.GetTimestamp();
                await saver.SaveAsync(writer, key, content);
                latencies[(writer * perWriter) + i] = Stopwatch.GetTimestamp() - begin;
            }
        })).ToArray();
        var done = Task.WhenAll(writing);
        var reading = Enumerable.Range(0, readers).Select(reader => Task.Run(async () =>
        {
            await start.Task;
            for (int i = 0; !done.IsCompleted; i++)
            {
                await saver.LoadAsync("hot/" + ((reader + i) % Keys).ToString(CultureInfo.InvariantCulture));
            }
        })).ToArray();
        start.SetResult();
        await done;
        await Task.WhenAll(reading);
        return latencies;
    }

    private static long Percentile(List<long> sorted, double fraction) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * fraction))];

    private static string Format(long ticks)
    {
        double microseconds = ticks * 1_000_000.0 / Stopwatch.Frequency;
        return microseconds >= 10_000
            ? (microseconds / 1000).ToString("N1", CultureInfo.InvariantCulture) + " ms"
            : microseconds.ToString("N0", CultureInfo.InvariantCulture) + " µs";
    }

    private interface ISaver : IAsyncDisposable
    {
        ValueTask SaveAsync(int writer, string key, byte[] content);

        ValueTask LoadAsync(string key);
    }

    private sealed class EngineSaver(string root, int engines) : ISaver
    {
        private readonly FileSystemEngine[] _engines = Enumerable.Range(0, engines).Select(_ => new FileSystemEngine(new FileSystemOptions { BaseDir = root })).ToArray();

        public async ValueTask SaveAsync(int writer, string key, byte[] content) => await _engines[writer % _engines.Length].SaveAsync(key, content);

        public async ValueTask LoadAsync(string key)
        {
            try
            {
                await _engines[0].LoadBytesAsync(key);
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
            {
                // Not written yet in the warm-up.
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var engine in _engines)
            {
                await engine.DisposeAsync();
            }
        }
    }

    private sealed class RawSaver(string root) : ISaver
    {
        private readonly SemaphoreSlim[] _gates = Enumerable.Range(0, Keys).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
        private long _counter;

        public async ValueTask SaveAsync(int writer, string key, byte[] content)
        {
            string path = Path.Combine(root, key.Replace('/', '-'));
            string temporary = path + "." + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllBytes(temporary, content);
            var gate = _gates[key[^1] - '0'];
            await gate.WaitAsync();
            try
            {
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                gate.Release();
            }
        }

        public ValueTask LoadAsync(string key)
        {
            string path = Path.Combine(root, key.Replace('/', '-'));
            if (File.Exists(path))
            {
                try
                {
                    File.ReadAllBytes(path);
                }
                catch (FileNotFoundException)
                {
                    // Renamed over between the check and the read.
                }
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            foreach (var gate in _gates)
            {
                gate.Dispose();
            }

            return ValueTask.CompletedTask;
        }
    }
}
