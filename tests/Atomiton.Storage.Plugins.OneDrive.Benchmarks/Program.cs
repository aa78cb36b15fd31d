// Throughput of one large object (default 256 MiB) saved and loaded through the onedrive plugin and, in
// the same run, through raw HttpClient calls doing the same Graph requests to the same emulator
// (createUploadSession, then fragments of the same size to the upload address without the token; one
// GET …/content following its 302 to the download address), median of three; then the process's peak
// working set and the bytes the process allocated during the plugin's and the raw client's saves.
// dotnet run -c Release --project tests/Atomiton.Storage.Plugins.OneDrive.Benchmarks -- [MiB]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Atomiton.Storage;
using Atomiton.Storage.Emulators.OneDrive;
using Atomiton.Storage.Plugins.OneDrive;
using Atomiton.Storage.Providers;

int mib = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
long size = mib * 1024L * 1024;
const string Token = "benchmark-access-token";
var options = new OneDriveOptions { ClientId = "test-client" };
int fragment = options.ChunkSize; // the default, 10 MiB (32 × 320 KiB)
await using var server = await GraphDriveServer.StartAsync(new GraphDriveOptions { QuotaTotal = 8 * size });
server.AddAccessToken(Token);
options.GraphBaseUrl = server.GraphBaseUrl.ToString();
options.AuthorityHost = server.AuthorityHost.ToString();
await using var engine = await OneDriveEngine.ConnectAsync(options, new StorageProviderContext { PipelineName = "bench", StageName = "onedrive" }, new FixedToken(Token), null, CancellationToken.None);
using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
var pattern = new byte[fragment];
new Random(18).NextBytes(pattern);

// Warm-up: JIT and connections for both clients, on a small object.
await engine.SaveAsync("bench/warm.bin", new RepeatingStream(pattern, 2L * fragment));
await using (var warm = await engine.OpenReadAsync("bench/warm.bin"))
{
    await Drain(warm.Content);
}

await RawUploadAsync(http, server, Token, pattern, 2L * fragment);
await RawDownloadAsync(http, server, Token, 2L * fragment);

var plugin = new List<(double Save, double Load, long Allocated)>();
var raw = new List<(double Save, double Load, long Allocated)>();
for (int run = 0; run < 3; run++)
{
    // Alternate which goes first, so neither always meets the garbage of the other's run.
    if (run % 2 == 0)
    {
        plugin.Add(await MeasurePluginAsync());
        raw.Add(await MeasureRawAsync());
    }
    else
    {
        raw.Add(await MeasureRawAsync());
        plugin.Add(await MeasurePluginAsync());
    }

    Console.WriteLine($"run {run + 1}: save plugin {mib / plugin[^1].Save:0} raw {mib / raw[^1].Save:0} MiB/s; load plugin {mib / plugin[^1].Load:0} raw {mib / raw[^1].Load:0} MiB/s");
}

async Task<(double Save, double Load, long Allocated)> MeasurePluginAsync()
{
    long allocated = GC.GetTotalAllocatedBytes(precise: true);
    var watch = Stopwatch.StartNew();
    await engine.SaveAsync("bench/plugin.bin", new RepeatingStream(pattern, size));
    double save = watch.Elapsed.TotalSeconds;
    allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
    watch.Restart();
    await using (var read = await engine.OpenReadAsync("bench/plugin.bin"))
    {
        await Drain(read.Content);
    }

    return (save, watch.Elapsed.TotalSeconds, allocated);
}

async Task<(double Save, double Load, long Allocated)> MeasureRawAsync()
{
    long allocated = GC.GetTotalAllocatedBytes(precise: true);
    var watch = Stopwatch.StartNew();
    await RawUploadAsync(http, server, Token, pattern, size);
    double save = watch.Elapsed.TotalSeconds;
    allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
    watch.Restart();
    await RawDownloadAsync(http, server, Token, size);
    return (save, watch.Elapsed.TotalSeconds, allocated);
}

double Median(IEnumerable<double> values) => values.Order().ElementAt(1);
double Rate(double seconds) => mib / seconds;
Console.WriteLine($"object {mib} MiB, fragments {fragment / 1024} KiB, median of 3");
Console.WriteLine($"save  plugin {Rate(Median(plugin.Select(p => p.Save))):0} MiB/s   raw HttpClient {Rate(Median(raw.Select(p => p.Save))):0} MiB/s   plugin/raw {Median(raw.Select(p => p.Save)) / Median(plugin.Select(p => p.Save)):0.00}");
Console.WriteLine($"load  plugin {Rate(Median(plugin.Select(p => p.Load))):0} MiB/s   raw HttpClient {Rate(Median(raw.Select(p => p.Load))):0} MiB/s   plugin/raw {Median(raw.Select(p => p.Load)) / Median(plugin.Select(p => p.Load)):0.00}");
Console.WriteLine($"allocated by the process during a save (emulator included: it keeps its copy of the object)  plugin {Median(plugin.Select(p => (double)p.Allocated)) / (1024 * 1024):0} MiB   raw HttpClient {Median(raw.Select(p => (double)p.Allocated)) / (1024 * 1024):0} MiB");
Console.WriteLine($"peak working set of the process (plugin, raw client and emulator together) {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB");

static async Task Drain(Stream stream)
{
    var sink = new byte[1024 * 1024];
    while (await stream.ReadAsync(sink) > 0)
    {
    }
}

static async Task RawUploadAsync(HttpClient http, GraphDriveServer server, string token, byte[] pattern, long size)
{
    using var create = new HttpRequestMessage(HttpMethod.Post, server.GraphBaseUrl + "/me/drive/special/approot:/bench/raw.bin:/createUploadSession")
    {
        Content = new StringContent($"{{\"item\":{{\"@microsoft.graph.conflictBehavior\":\"replace\",\"fileSize\":{size}}}}}", System.Text.Encoding.UTF8, "application/json"),
    };
    create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var created = await http.SendAsync(create);
    created.EnsureSuccessStatusCode();
    string uploadUrl = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["uploadUrl"]!.GetValue<string>();
    for (long offset = 0; offset < size; offset += pattern.Length)
    {
        int length = (int)Math.Min(pattern.Length, size - offset);
        using var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(pattern, 0, length) };
        put.Content.Headers.ContentRange = new ContentRangeHeaderValue(offset, offset + length - 1, size);
        using var answer = await http.SendAsync(put);
        answer.EnsureSuccessStatusCode();
    }
}

static async Task RawDownloadAsync(HttpClient http, GraphDriveServer server, string token, long size)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, server.GraphBaseUrl + "/me/drive/special/approot:/bench/raw.bin:/content");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead); // HttpClient follows the 302 and drops the token across hosts
    response.EnsureSuccessStatusCode();
    if (response.Content.Headers.ContentLength != size)
    {
        throw new InvalidOperationException($"The raw download has {response.Content.Headers.ContentLength} bytes, not {size}.");
    }

    await Drain(await response.Content.ReadAsStreamAsync());
}

/// <summary>A seekable source (as a file is) repeating one buffer up to a length; a stream that cannot seek would be spooled to a temporary file first.</summary>
internal sealed class RepeatingStream(byte[] pattern, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get => _position; set => _position = value; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = (int)Math.Min(Math.Min(buffer.Length, length - _position), pattern.Length - (_position % pattern.Length));
        pattern.AsSpan((int)(_position % pattern.Length), n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The benchmark's token: accepted by the emulator as it is (sign-in is not what is measured).</summary>
internal sealed class FixedToken(string token) : IOneDriveTokenSource
{
    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(token);

    public ValueTask<string> RenewAsync(string rejected, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The emulator refused the benchmark's fixed token.");
}
