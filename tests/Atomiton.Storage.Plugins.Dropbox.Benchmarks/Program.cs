// Throughput of one large object (default 256 MiB) saved and loaded through the dropbox plugin and,
// in the same run, through raw HttpClient calls to the same emulator (upload session in chunks of
// the same size; download), median of three rounds (the side going first alternates); then the cost
// of the content hash alone (the work the plugin does that the raw calls do not) and the process's
// peak working set. Both sides are warmed up first on a two-chunk object.
// dotnet run -c Release --project tests/Atomiton.Storage.Plugins.Dropbox.Benchmarks -- [MiB]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Atomiton.Storage;
using Atomiton.Storage.Emulators.Dropbox;
using Atomiton.Storage.OAuth;
using Atomiton.Storage.Plugins.Dropbox;
using Atomiton.Storage.Providers;

int mib = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
long size = mib * 1024L * 1024;
const int Chunk = 8 * 1024 * 1024;
if (mib <= 0 || size % Chunk != 0)
{
    Console.Error.WriteLine($"The object size must be a positive multiple of 8 MiB (the chunk size), such as 256; got {mib}.");
    return 2;
}

await using var server = await DropboxServer.StartAsync(new DropboxEmulatorOptions { SpaceAllocated = 8 * size });
var (access, refresh) = server.IssueTokens();
var store = new BenchmarkCredentials();
await store.WriteAsync(OAuthSession.CredentialName, new OAuthTokens(access, refresh, DateTimeOffset.UtcNow.AddHours(4)).ToJson(), IStorageCredentialStore.AnyVersion);
var options = new DropboxOptions
{
    AppKey = server.AppKey, ChunkSize = Chunk,
    ApiAddress = server.ApiAddress.ToString(), ContentAddress = server.ContentAddress.ToString(), NotifyAddress = server.ApiAddress.ToString(),
    AuthorizeAddress = server.AuthorizeEndpoint.ToString(), TokenAddress = server.TokenEndpoint.ToString(),
};
await using var engine = await DropboxEngine.ConnectAsync(options, new StorageProviderContext { PipelineName = "bench", StageName = "dropbox", Credentials = store });
using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
var buffer = new byte[Chunk];
Random.Shared.NextBytes(buffer);

// Warm-up: JIT and connections for both sides and the emulator, on a two-chunk object, so the first
// measured round of neither side pays for compiling code the other side's rounds find compiled.
await engine.SaveAsync("bench/warm.bin", new RepeatingStream(buffer, 2L * Chunk));
await using (var warm = await engine.OpenReadAsync("bench/warm.bin"))
{
    await Drain(warm.Content);
}

await RawUploadAsync(http, server, access, buffer, 2L * Chunk);
await RawDownloadAsync(http, server, access);

var plugin = new List<Round>();
var raw = new List<Round>();

for (int run = 0; run < 3; run++)
{
    // Alternating which goes first, so neither side always meets a freshly collected heap.
    if (run % 2 == 0)
    {
        plugin.Add(await PluginRoundAsync());
        raw.Add(await RawRoundAsync());
    }
    else
    {
        raw.Add(await RawRoundAsync());
        plugin.Add(await PluginRoundAsync());
    }

    Console.WriteLine($"run {run + 1}: save plugin {mib / plugin[^1].Save:0} raw {mib / raw[^1].Save:0} MiB/s; load plugin {mib / plugin[^1].Load:0} raw {mib / raw[^1].Load:0} MiB/s");
}

// What the plugin computes that the raw calls do not: the Dropbox content hash of every byte.
var hashWatch = Stopwatch.StartNew();
var hashCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
using (var contentHash = StorageContentHash.Create(StorageHashAlgorithms.Dropbox))
{
    for (long done = 0; done < size; done += buffer.Length)
    {
        contentHash.Append(buffer);
    }

    contentHash.GetResult();
}

double hashSeconds = hashWatch.Elapsed.TotalSeconds;
double hashCpu = (Process.GetCurrentProcess().TotalProcessorTime - hashCpuBefore).TotalSeconds;

async Task<Round> PluginRoundAsync()
{
    GC.Collect();
    var watch = Stopwatch.StartNew();
    double saveCpu = await CpuOf(async () => await engine.SaveAsync("bench/plugin.bin", new RepeatingStream(buffer, size)));
    double save = watch.Elapsed.TotalSeconds;
    watch.Restart();
    await using (var read = await engine.OpenReadAsync("bench/plugin.bin"))
    {
        await Drain(read.Content);
    }

    return new Round(save, watch.Elapsed.TotalSeconds, saveCpu);
}

async Task<Round> RawRoundAsync()
{
    GC.Collect();
    var watch = Stopwatch.StartNew();
    double saveCpu = await CpuOf(() => RawUploadAsync(http, server, access, buffer, size));
    double save = watch.Elapsed.TotalSeconds;
    watch.Restart();
    await RawDownloadAsync(http, server, access);
    return new Round(save, watch.Elapsed.TotalSeconds, saveCpu);
}

double Median(IEnumerable<double> values) => values.Order().ElementAt(1);
double Rate(double seconds) => mib / seconds;
Console.WriteLine($"object {mib} MiB, chunk {Chunk / 1024 / 1024} MiB, median of 3");
Console.WriteLine($"save  plugin {Rate(Median(plugin.Select(p => p.Save))):0} MiB/s   raw HttpClient {Rate(Median(raw.Select(p => p.Save))):0} MiB/s   ratio {Median(raw.Select(p => p.Save)) / Median(plugin.Select(p => p.Save)):0.00}");
Console.WriteLine($"load  plugin {Rate(Median(plugin.Select(p => p.Load))):0} MiB/s   raw HttpClient {Rate(Median(raw.Select(p => p.Load))):0} MiB/s   ratio {Median(raw.Select(p => p.Load)) / Median(plugin.Select(p => p.Load)):0.00}");
Console.WriteLine($"CPU time of a save (all threads, emulator included): plugin {Median(plugin.Select(p => p.SaveCpu)):0.00} s, raw HttpClient {Median(raw.Select(p => p.SaveCpu)):0.00} s");
Console.WriteLine($"content hash of {mib} MiB alone (one thread): {hashSeconds:0.00} s wall ({Rate(hashSeconds):0} MiB/s), {hashCpu:0.00} s CPU");
Console.WriteLine($"peak working set of the process (plugin, raw client and emulator together) {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB");
return 0;

// CPU seconds (all threads of this process) spent while a round ran: steadier than wall time on a shared machine.
static async Task<double> CpuOf(Func<Task> round)
{
    var before = Process.GetCurrentProcess().TotalProcessorTime;
    await round();
    return (Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds;
}

static async Task Drain(Stream stream)
{
    var sink = new byte[1024 * 1024];
    while (await stream.ReadAsync(sink) > 0)
    {
    }
}

static async Task RawUploadAsync(HttpClient http, DropboxServer server, string token, byte[] pattern, long size)
{
    // Like the plugin, the raw client reads each chunk from a source stream into its one buffer.
    var source = new RepeatingStream(pattern, size);
    var chunk = new byte[pattern.Length];
    string? session = null;
    for (long offset = 0; offset < size; offset += chunk.Length)
    {
        await source.ReadExactlyAsync(chunk);
        bool last = offset + chunk.Length >= size;
        string route = session is null ? "files/upload_session/start" : last ? "files/upload_session/finish" : "files/upload_session/append_v2";
        string arg = session is null ? "{\"close\":false}"
            : last ? $"{{\"cursor\":{{\"session_id\":\"{session}\",\"offset\":{offset}}},\"commit\":{{\"path\":\"/bench/raw.bin\",\"mode\":\"overwrite\"}}}}"
            : $"{{\"cursor\":{{\"session_id\":\"{session}\",\"offset\":{offset}}}}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.ContentAddress, "2/" + route)) { Content = new ByteArrayContent(chunk) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Dropbox-API-Arg", arg);
        using var response = await http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        response.EnsureSuccessStatusCode();
        if (session is null)
        {
            session = body.Split('"')[3];
        }
    }
}

static async Task RawDownloadAsync(HttpClient http, DropboxServer server, string token)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.ContentAddress, "2/files/download"));
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    request.Headers.Add("Dropbox-API-Arg", "{\"path\":\"/bench/raw.bin\"}");
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    await Drain(await response.Content.ReadAsStreamAsync());
}

/// <summary>One round's seconds: save and load by the wall clock, and the CPU the save took.</summary>
internal sealed record Round(double Save, double Load, double SaveCpu);

/// <summary>A non-seekable source repeating one buffer up to a length.</summary>
internal sealed class RepeatingStream(byte[] pattern, long length) : Stream
{
    private long _position;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = (int)Math.Min(Math.Min(count, length - _position), pattern.Length - (_position % pattern.Length));
        Array.Copy(pattern, _position % pattern.Length, buffer, offset, n);
        _position += n;
        return n;
    }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The benchmark's credential store: one value, no versions to race.</summary>
internal sealed class BenchmarkCredentials : IStorageCredentialStore
{
    private StorageCredential? _value;
    public ValueTask<StorageCredential?> ReadAsync(string name, CancellationToken cancellationToken = default) => ValueTask.FromResult(_value);
    public ValueTask<StorageCredential> WriteAsync(string name, string value, string? expectedVersion, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_value = new StorageCredential(value, Guid.NewGuid().ToString("N")));
    public ValueTask<bool> DeleteAsync(string name, string expectedVersion = IStorageCredentialStore.AnyVersion, CancellationToken cancellationToken = default)
    {
        bool had = _value is not null;
        _value = null;
        return ValueTask.FromResult(had);
    }
}
