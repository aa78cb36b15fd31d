using System.Diagnostics;
using System.Globalization;
using Atomiton.Storage;
using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Plugins.FileSystem;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Sync;
using Atomiton.Storage.Sync.State;

// Usage: dotnet run -c Release --project tests/Atomiton.Storage.Sync.Benchmarks -- [keys] [bytes] [parallel]
// (eng/bench-sync.sh installs rclone first). Prints a Markdown table with the requests each side's
// engine received.
int keys = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
int size = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1024;
int parallel = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : new SyncOptions().MaxParallelTransfers;
string root = Path.Combine(Path.GetTempPath(), "atomiton-sync-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(root);
try
{
    var payloads = Enumerable.Range(0, keys).Select(i =>
    {
        var bytes = new byte[size];
        new Random(i).NextBytes(bytes);
        return (Key: $"docs/{i / 100:000}/item-{i:00000}.bin", Bytes: bytes);
    }).ToList();

    var rows = new List<(string Tool, string Run, TimeSpan Time, string Note)>();
    rows.AddRange(await AtomitonAsync(root, payloads, parallel));
    rows.AddRange(await RcloneAsync(root, payloads));

    Console.WriteLine($"{keys:N0} objects × {size:N0} bytes; {Environment.ProcessorCount} cores; {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
    Console.WriteLine();
    Console.WriteLine("| tool | run | wall clock | notes |");
    Console.WriteLine("|---|---|---:|---|");
    foreach (var (tool, run, time, note) in rows)
    {
        Console.WriteLine($"| {tool} | {run} | {time.TotalSeconds:0.00} s | {note} |");
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

static async Task<IEnumerable<(string, string, TimeSpan, string)>> AtomitonAsync(string root, List<(string Key, byte[] Bytes)> payloads, int parallel)
{
    await using var deviceFiles = new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(root, "device") });
    foreach (var (key, bytes) in payloads)
    {
        await deviceFiles.SaveAsync(key, bytes);
    }

    await using var device = new CountingEngine(deviceFiles);
    await using var hubStore = new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(root, "hub") });
    var options = new CloudServerOptions
    {
        Keys = new ApiKeyStore(Path.Combine(root, "keys.json")),
        UploadDirectory = Path.Combine(root, "uploads"),
        RateLimitPermits = null,
    };
    options.Urls.Clear();
    options.Urls.Add("http://127.0.0.1:0");
    string apiKey = options.Keys.Create("bench/", ApiKeyPermissions.Read | ApiKeyPermissions.Write, "sync benchmark").Key;
    await using var server = await CloudServer.StartAsync(hubStore, options);
    await using var hubCloud = await new CloudProvider().CreateAsync(
        new CloudOptions { Endpoint = server.Endpoint.ToString(), ApiKey = apiKey },
        new StorageProviderContext { PipelineName = "hub", StageName = "cloud" });
    await using var hub = new CountingEngine(hubCloud);
    await using var state = await SqliteSyncStateStore.OpenAsync(Path.Combine(root, "device--hub.db"));
    var pair = new SyncPair(new SyncEndpoint("device", device), new SyncEndpoint("hub", hub), state, new SyncOptions { MaxParallelTransfers = parallel });

    var watch = Stopwatch.StartNew();
    var first = await pair.RunAsync();
    var firstTime = watch.Elapsed;
    Check(first.Status == SyncStatus.Completed && first.Applied == payloads.Count, "first sync: " + first.Summary);
    string firstRequests = $"device {device.Describe()}; hub {hub.Describe()}";
    device.Reset();
    hub.Reset();

    watch.Restart();
    var again = await pair.RunAsync();
    var againTime = watch.Elapsed;
    Check(again.Status == SyncStatus.Completed && again.Plan.IsEmpty, "no-op re-run: " + again.Summary);
    string againRequests = $"device {device.Describe()}; hub {hub.Describe()}";

    int onHub = 0;
    await foreach (var entry in hubCloud.ListAsync(new ListOptions { Prefix = "docs/", KeysOnly = true }))
    {
        onHub += entry.IsObject ? 1 : 0;
    }

    Check(onHub == payloads.Count, $"the hub holds {onHub} objects");
    return
    [
        ($"Atomiton sync (filesystem ↔ cloud over HTTP on 127.0.0.1, SQLite state, {parallel} transfers at once)", "first sync", firstTime, $"{first.Applied:N0} copies (create-only); requests: {firstRequests}"),
        ("Atomiton sync", "no-op re-run", againTime, $"requests: {againRequests}"),
    ];
}

static async Task<IEnumerable<(string, string, TimeSpan, string)>> RcloneAsync(string root, List<(string Key, byte[] Bytes)> payloads)
{
    string path1 = Path.Combine(root, "rclone-1"), path2 = Path.Combine(root, "rclone-2"), work = Path.Combine(root, "rclone-work");
    Directory.CreateDirectory(path2);
    Directory.CreateDirectory(work);
    foreach (var (key, bytes) in payloads)
    {
        string file = Path.Combine(path1, key);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, bytes);
    }

    string version = (await RunRcloneAsync("version")).Output.Split('\n')[0].Trim();
    var (first, _) = await RunRcloneAsync("bisync", path1, path2, "--resync", "--workdir", work);
    int copied = Directory.EnumerateFiles(path2, "*", SearchOption.AllDirectories).Count();
    Check(copied == payloads.Count, $"rclone copied {copied} files");
    var (again, _) = await RunRcloneAsync("bisync", path1, path2, "--workdir", work);
    return
    [
        ($"`rclone bisync` ({version}, two local folders)", "first sync (`--resync`)", first, $"{copied:N0} files copied to the empty folder"),
        ("`rclone bisync`", "no-op re-run", again, "both folders listed (size + modtime)"),
    ];
}

static async Task<(TimeSpan Time, string Output)> RunRcloneAsync(params string[] arguments)
{
    var start = new ProcessStartInfo("rclone") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (string argument in arguments.Append("--config").Append(OperatingSystem.IsWindows() ? "NUL" : "/dev/null"))
    {
        start.ArgumentList.Add(argument);
    }

    var watch = Stopwatch.StartNew();
    using var process = Process.Start(start) ?? throw new InvalidOperationException("rclone did not start; run eng/bench-sync.sh, which installs it.");
    var output = process.StandardOutput.ReadToEndAsync();
    var error = process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    var time = watch.Elapsed;
    Check(process.ExitCode == 0, $"rclone {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
    return (time, await output + await error);
}

static void Check(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException("Benchmark check failed: " + what);
    }
}

/// <summary>Counts the calls the sync makes on one side's engine (forwarding everything, copy and move included).</summary>
internal sealed class CountingEngine(IStorageEngine inner) : DelegatingStorageEngine(inner, ownsInner: false)
{
    private int _reads, _saves, _stats, _deletes, _listings, _feedReads, _cursors, _other;

    public override string EngineType => Inner.EngineType;

    public override StorageCapabilities Capabilities => Inner.Capabilities;

    public int Requests => _reads + _saves + _stats + _deletes + _listings + _feedReads + _cursors + _other;

    public void Reset() => _reads = _saves = _stats = _deletes = _listings = _feedReads = _cursors = _other = 0;

    public string Describe() =>
        $"{Requests:N0} ({_reads:N0} reads, {_saves:N0} saves, {_stats:N0} stats, {_deletes:N0} deletes, {_listings:N0} listings, {_feedReads:N0} feed reads, {_cursors:N0} cursors{(_other > 0 ? $", {_other:N0} other" : "")})";

    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return Inner.OpenReadAsync(key, options, cancellationToken);
    }

    protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _saves);
        return Inner.SaveAsync(key, content, options, cancellationToken);
    }

    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _stats);
        return Inner.StatAsync(key, cancellationToken);
    }

    protected override ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _stats);
        return Inner.ExistsAsync(key, cancellationToken);
    }

    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _deletes);
        return Inner.DeleteAsync(key, options, cancellationToken);
    }

    protected override IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _listings);
        return Inner.ListAsync(options, cancellationToken);
    }

    protected override ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _feedReads);
        return Inner.ReadChangesAsync(cursor, options, cancellationToken);
    }

    protected override ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _cursors);
        return Inner.GetChangeCursorAsync(prefix, cancellationToken);
    }

    protected override ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _other);
        return Inner.CopyAsync(sourceKey, destinationKey, condition, cancellationToken);
    }

    protected override ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _other);
        return Inner.MoveAsync(sourceKey, destinationKey, condition, cancellationToken);
    }
}
