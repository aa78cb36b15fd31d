// Throughput of one large object (default 256 MiB) saved and loaded through the gdrive plugin and,
// in the same run, through raw HttpClient calls to the same Drive emulator: a resumable upload in
// chunks of the same size (initiation, then PUTs with Content-Range, 308 until the last) and an
// alt=media download. Median of three rounds (the side going first alternates), with the CPU time
// each save took (all threads of this process, the emulator's included) and the process's peak
// working set. Both sides read their chunks from the same kind of non-seekable source.
// dotnet run -c Release --project tests/Atomiton.Storage.Plugins.GoogleDrive.Benchmarks -- [MiB]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Atomiton.Storage;
using Atomiton.Storage.Emulators.GoogleDrive;
using Atomiton.Storage.Plugins.GoogleDrive;
using Atomiton.Storage.Providers;

int mib = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
long size = mib * 1024L * 1024;
const int Chunk = 8 * 1024 * 1024;
if (mib <= 0 || size % Chunk != 0)
{
    Console.Error.WriteLine($"The object size must be a positive multiple of 8 MiB (the chunk size), such as 256; got {mib}.");
    return 2;
}

await using var emulator = await GoogleDriveWithAuthority.StartAsync(new LoopbackDriveServerOptions { QuotaBytes = 16 * size });
var store = new BenchmarkCredentials();
string access = await SignInAsync(emulator, store);
var options = new GoogleDriveOptions
{
    ClientId = GoogleDriveEmulator.ClientId,
    ClientSecret = GoogleDriveEmulator.ClientSecret,
    BaseUri = emulator.Drive.ApiBase.ToString(),
    AuthorizationEndpoint = emulator.Authority.AuthorizeEndpoint.ToString(),
    TokenEndpoint = emulator.Authority.TokenEndpoint.ToString(),
    RevokeEndpoint = emulator.Authority.RevokeEndpoint.ToString(),
    ChunkSize = Chunk,
};
await using var engine = await GoogleDriveEngine.ConnectAsync(options, new StorageProviderContext { PipelineName = "bench", StageName = "gdrive", Credentials = store });
using var http = new HttpClient { BaseAddress = emulator.Drive.Address, Timeout = Timeout.InfiniteTimeSpan };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
var pattern = new byte[Chunk];
new Random(17).NextBytes(pattern);

var plugin = new List<Round>();
var raw = new List<Round>();
for (int run = 0; run < 3; run++)
{
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
}

double Median(IEnumerable<double> values) => values.Order().ElementAt(1);
double Rate(double seconds) => mib / seconds;
Console.WriteLine($"object {mib} MiB, chunk {Chunk / 1024 / 1024} MiB, median of 3");
Console.WriteLine($"save  plugin {Rate(Median(plugin.Select(p => p.Save))):0} MiB/s   raw HttpClient {Rate(Median(raw.Select(p => p.Save))):0} MiB/s   ratio {Median(raw.Select(p => p.Save)) / Median(plugin.Select(p => p.Save)):0.00}");
Console.WriteLine($"load  plugin {Rate(Median(plugin.Select(p => p.Load))):0} MiB/s   raw HttpClient {Rate(Median(raw.Select(p => p.Load))):0} MiB/s   ratio {Median(raw.Select(p => p.Load)) / Median(plugin.Select(p => p.Load)):0.00}");
Console.WriteLine($"CPU time of a save (all threads, emulator included): plugin {Median(plugin.Select(p => p.SaveCpu)):0.00} s, raw HttpClient {Median(raw.Select(p => p.SaveCpu)):0.00} s");
Console.WriteLine($"bytes allocated by a save (all threads, emulator included): plugin {Median(plugin.Select(p => p.SaveAllocated)) / 1048576:0} MiB, raw HttpClient {Median(raw.Select(p => p.SaveAllocated)) / 1048576:0} MiB");
Console.WriteLine($"peak working set of the process (plugin, raw client and emulator together) {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB");
return 0;

async Task<Round> PluginRoundAsync()
{
    var (saveCpu, saveAllocated, save) = await Measure(async () => await engine.SaveAsync("bench/plugin.bin", new RepeatingStream(pattern, size)));
    var watch = Stopwatch.StartNew();
    await using (var read = await engine.OpenReadAsync("bench/plugin.bin"))
    {
        await Drain(read.Content);
    }

    return new Round(save, watch.Elapsed.TotalSeconds, saveCpu, saveAllocated);
}

async Task<Round> RawRoundAsync()
{
    string? id = null;
    var (saveCpu, saveAllocated, save) = await Measure(async () => id = await RawUploadAsync(http, pattern, size));
    var watch = Stopwatch.StartNew();
    using (var response = await http.GetAsync($"drive/v3/files/{id}?alt=media", HttpCompletionOption.ResponseHeadersRead))
    {
        response.EnsureSuccessStatusCode();
        await Drain(await response.Content.ReadAsStreamAsync());
    }

    double load = watch.Elapsed.TotalSeconds;
    using (var deleted = await http.DeleteAsync($"drive/v3/files/{id}"))
    {
        deleted.EnsureSuccessStatusCode();
    }

    return new Round(save, load, saveCpu, saveAllocated);
}

// CPU seconds and bytes allocated (all threads of this process) while a save ran, and its wall seconds.
static async Task<(double Cpu, double Allocated, double Wall)> Measure(Func<Task> save)
{
    GC.Collect();
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    long allocatedBefore = GC.GetTotalAllocatedBytes();
    var watch = Stopwatch.StartNew();
    await save();
    double wall = watch.Elapsed.TotalSeconds;
    process.Refresh();
    return ((process.TotalProcessorTime - cpuBefore).TotalSeconds, GC.GetTotalAllocatedBytes() - allocatedBefore, wall);
}

static async Task Drain(Stream stream)
{
    var sink = new byte[1024 * 1024];
    while (await stream.ReadAsync(sink) > 0)
    {
    }
}

// Initiation with the metadata, then one PUT per chunk read from the source; Content-Range names the
// total only on the last chunk (the source's length is not known in advance, as for the plugin).
static async Task<string> RawUploadAsync(HttpClient http, byte[] pattern, long size)
{
    var metadata = JsonContent.Create(new { name = "bench/raw.bin", parents = new[] { "appDataFolder" } });
    using var initiated = await http.PostAsync("upload/drive/v3/files?uploadType=resumable&fields=id", metadata);
    initiated.EnsureSuccessStatusCode();
    var session = initiated.Headers.Location ?? throw new InvalidOperationException("The resumable initiation answered without a Location.");
    var source = new RepeatingStream(pattern, size);
    var chunk = new byte[pattern.Length];
    for (long offset = 0; offset < size; offset += chunk.Length)
    {
        await source.ReadExactlyAsync(chunk);
        bool last = offset + chunk.Length >= size;
        using var request = new HttpRequestMessage(HttpMethod.Put, session) { Content = new ByteArrayContent(chunk) };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", $"bytes {offset}-{offset + chunk.Length - 1}/{(last ? size.ToString(CultureInfo.InvariantCulture) : "*")}");

        using var response = await http.SendAsync(request);
        if (!last && (int)response.StatusCode != 308)
        {
            throw new InvalidOperationException($"Chunk at {offset} answered {(int)response.StatusCode}, not 308.");
        }

        if (last)
        {
            response.EnsureSuccessStatusCode();
            var file = await response.Content.ReadFromJsonAsync<JsonElement>();
            return file.GetProperty("id").GetString()!;
        }
    }

    throw new InvalidOperationException("The upload sent no chunk.");
}

// The tokens `auth login` would store: the authority's code flow with PKCE, played without a browser.
static async Task<string> SignInAsync(GoogleDriveWithAuthority emulator, BenchmarkCredentials store)
{
    string verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
    string challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
    const string Redirect = "http://127.0.0.1:9/authorize/";
    using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
    using var authorized = await browser.GetAsync($"{emulator.Authority.AuthorizeEndpoint}?client_id={GoogleDriveEmulator.ClientId}&response_type=code&code_challenge_method=S256&code_challenge={challenge}&redirect_uri={Uri.EscapeDataString(Redirect)}&scope=drive.appdata");
    string code = HttpUtility.ParseQueryString(authorized.Headers.Location!.Query)["code"]!;
    using var exchanged = await browser.PostAsync(emulator.Authority.TokenEndpoint, new FormUrlEncodedContent(
    [
        new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", Redirect), new("code_verifier", verifier),
        new("client_id", GoogleDriveEmulator.ClientId), new("client_secret", GoogleDriveEmulator.ClientSecret),
    ]));
    var tokens = await exchanged.Content.ReadFromJsonAsync<JsonElement>();
    string accessToken = tokens.GetProperty("access_token").GetString()!;
    await store.WriteAsync("google-oauth", JsonSerializer.Serialize(new
    {
        access_token = accessToken,
        refresh_token = tokens.GetProperty("refresh_token").GetString(),
        token_type = "Bearer",
        expires_in = tokens.GetProperty("expires_in").GetInt32(),
        scope = "https://www.googleapis.com/auth/drive.appdata",
    }), IStorageCredentialStore.AnyVersion);
    return accessToken;
}

static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

/// <summary>One round's seconds: save and load by the wall clock; the CPU seconds and bytes allocated while the save ran.</summary>
internal sealed record Round(double Save, double Load, double SaveCpu, double SaveAllocated);

/// <summary>A non-seekable source repeating one buffer up to a length.</summary>
internal sealed class RepeatingStream(byte[] pattern, long length) : Stream
{
    private long _position;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
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
