using System.Globalization;
using Atomiton.Storage;
using Atomiton.Storage.Plugins.FileSystem;
using Atomiton.Storage.Plugins.FileSystem.TestWorker;

// Modes (all print one line per step on stdout, which the tests read):
//   crash <baseDir> <durable> <seed>       save/delete in a loop until killed; prints "saved N" after each step
//   create <baseDir> <keys> <seed>         waits for "go" on stdin, then create-only saves race/0..keys-1 in a seeded order; prints "won <key>"
//   increment <baseDir> <key> <count>      if-match read-modify-write of a decimal counter, count times; prints "done"
//   starts <baseDir> <engines> <rounds> <saves>  waits for "go", then starts that many engines at once (a barrier), each
//                                          restarting <rounds> times and saving <saves> keys <pid>/<engine>/<round>/<n> per
//                                          round; prints "lost <failed saves>: <first error>" and "done"
string mode = args[0];
if (mode == "starts")
{
    Console.WriteLine("ready");
    _ = Console.ReadLine();
    var (lost, firstError) = await StartTogetherAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture));
    Console.WriteLine($"lost {lost}: {firstError}");
    Console.WriteLine("done");
    return;
}

var options = new FileSystemOptions { BaseDir = args[1], Durable = mode == "crash" && bool.Parse(args[2]) };
await using var engine = new FileSystemEngine(options);
Console.Out.Flush();

switch (mode)
{
    case "crash":
        await CrashLoopAsync(engine, int.Parse(args[3], CultureInfo.InvariantCulture));
        break;
    case "create":
        // Warm up (JIT, lock files) before the start signal, so both racers really start together.
        string warmUp = $"warm-up/{Environment.ProcessId}";
        await engine.SaveAsync(warmUp, new byte[] { 0 }, new SaveOptions { Condition = WriteCondition.IfNotExists });
        await engine.DeleteAsync(warmUp);
        Console.WriteLine("ready");
        _ = Console.ReadLine();
        // Each racer takes the keys in its own seeded order, so they collide all over the range
        // instead of the earlier starter winning every key.
        int[] order = Enumerable.Range(0, int.Parse(args[2], CultureInfo.InvariantCulture)).ToArray();
        new Random(int.Parse(args[3], CultureInfo.InvariantCulture)).Shuffle(order);
        foreach (int i in order)
        {
            try
            {
                await engine.SaveAsync($"race/{i}", new byte[] { 1 }, new SaveOptions { Condition = WriteCondition.IfNotExists });
                Console.WriteLine($"won race/{i}");
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
            {
            }
        }

        Console.WriteLine("done");
        break;
    case "increment":
        Console.WriteLine("ready");
        _ = Console.ReadLine();
        for (int done = 0; done < int.Parse(args[3], CultureInfo.InvariantCulture);)
        {
            await using var current = await engine.OpenReadAsync(args[2]);
            using var reader = new StreamReader(current.Content);
            long value = long.Parse(await reader.ReadToEndAsync(), CultureInfo.InvariantCulture);
            try
            {
                await engine.SaveAsync(args[2], System.Text.Encoding.UTF8.GetBytes((value + 1).ToString(CultureInfo.InvariantCulture)),
                    new SaveOptions { Condition = WriteCondition.IfMatch(current.Item.ETag) });
                done++;
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
            {
            }
        }

        Console.WriteLine("done");
        break;
    default:
        throw new ArgumentException($"Unknown mode '{mode}'.");
}

static async Task CrashLoopAsync(FileSystemEngine engine, int seed)
{
    var random = new Random(seed);
    long version = (long)seed << 20;
    for (int step = 1; ; step++)
    {
        string key = CrashKeys.Pick(random);
        int roll = random.Next(100);
        if (roll < 12)
        {
            await engine.DeleteAsync(key);
        }
        else
        {
            version++;
            int size = random.Next(4) == 0 ? random.Next(64 * 1024, 1024 * 1024) : random.Next(0, 4096);
            var content = CrashContent.Create(key, version, size);
            var save = new SaveOptions
            {
                Condition = roll < 20 ? WriteCondition.IfNotExists : WriteCondition.None,
                ContentType = "application/x-crash",
                Metadata = new Dictionary<string, string> { ["version"] = version.ToString(CultureInfo.InvariantCulture) },
            };
            try
            {
                await engine.SaveAsync(key, content, save);
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
            {
            }
        }

        Console.WriteLine($"saved {step}");
    }
}

static async Task<(int Lost, string? FirstError)> StartTogetherAsync(string baseDir, int engines, int rounds, int saves)
{
    using var barrier = new Barrier(engines);
    int lost = 0;
    string? firstError = null;
    var workers = Enumerable.Range(0, engines).Select(index => Task.Factory.StartNew(async () =>
    {
        barrier.SignalAndWait();
        for (int round = 0; round < rounds; round++)
        {
            await using var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = baseDir });
            for (int n = 0; n < saves; n++)
            {
                try
                {
                    await engine.SaveAsync($"{Environment.ProcessId}/{index}/{round}/{n}", new byte[] { 1 });
                }
                catch (StorageException e)
                {
                    Interlocked.Increment(ref lost);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());
    await Task.WhenAll(workers);
    return (lost, firstError);
}
