using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Atomiton.Storage.Cached;
using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Plugins.Browser;
using Atomiton.Storage.Plugins.Browser.Encrypted;
using Atomiton.Storage.Plugins.Browser.IndexedDb;
using Atomiton.Storage.Plugins.Browser.LocalStorage;
using Atomiton.Storage.Providers;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Samples.Flows;

/// <summary>
/// What the browser tests ask of the WebAssembly runtime (the page /selfcheck?run=checks): round trips
/// of sizes around the engines' inline and chunk thresholds, ranges, a 50 MiB object through
/// cached → encrypted → indexeddb in bounded memory (AES-GCM on the browser's WebCrypto), the encrypted
/// stage's interoperability with .NET's (an object sealed by the test process is opened here, one sealed
/// here is reported for the test process to open, a damaged one is refused), and (run=bench) timings
/// beside the same operations written directly in JavaScript. Answers one JSON document.
/// </summary>
internal sealed class SelfCheckRunner(IJSRuntime js)
{
    /// <summary>The sessionStorage item where the test leaves an object sealed by .NET (base64) before the page loads.</summary>
    public const string InteropInputItem = "atomiton-interop-sealed";

    /// <summary>The ring key (bytes 0..31, id k1) and plaintext rule (byte i = i mod 251) both sides use for interop.</summary>
    public const int InteropSize = 150_001;

    private static readonly int[] Sizes = [0, 1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 1024 * 1024];

    public async Task<string> RunAsync(string what)
    {
        var report = new Dictionary<string, object?>(StringComparer.Ordinal) { ["runtime"] = OperatingSystem.IsBrowser() ? "browser-wasm" : "other" };
        try
        {
            if (what.Contains("checks", StringComparison.Ordinal))
            {
                string run = Guid.NewGuid().ToString("N");
                await using var indexedDb = new IndexedDbEngine(js, new IndexedDbOptions { DatabaseName = "selfcheck-" + run });
                await using var localStorage = new LocalStorageEngine(js, new LocalStorageOptions { Namespace = "selfcheck-" + run });
                report["indexeddb"] = await RoundTripsAsync(indexedDb);
                report["localstorage"] = await RoundTripsAsync(localStorage);
                await localStorage.DeletePrefixAsync("");
                report["interop"] = await InteropAsync();
                report["large"] = await LargeAsync(run);
            }

            if (what.Contains("bench", StringComparison.Ordinal))
            {
                report["bench"] = await EngineBenchmark.RunAsync(js);
            }
        }
#pragma warning disable CA1031 // Reported to the page: the test reads the failure from there.
        catch (Exception e)
#pragma warning restore CA1031
        {
            report["failure"] = e.ToString();
        }

        return JsonSerializer.Serialize(report, SelfCheckJson.Default.DictionaryStringObject);
    }

    private static async Task<List<string>> RoundTripsAsync(IStorageEngine engine)
    {
        var problems = new List<string>();
        var random = new Random(7);
        foreach (int size in Sizes)
        {
            byte[] content = new byte[size];
            random.NextBytes(content);
            string key = $"sizes/{size}";
            var saved = await engine.SaveAsync(key, new NonSeekable(content));
            byte[] loaded = await engine.LoadBytesAsync(key);
            if (saved.Size != size || !loaded.AsSpan().SequenceEqual(content))
            {
                problems.Add($"{engine.EngineType}: {size} bytes did not round-trip (saved {saved.Size}, loaded {loaded.Length})");
            }

            if (size > 6000)
            {
                byte[] middle = await engine.LoadBytesAsync(key, new ReadOptions { Range = ByteRange.From(1000, 5000) });
                byte[] suffix = await engine.LoadBytesAsync(key, new ReadOptions { Range = ByteRange.Suffix(10) });
                if (!middle.AsSpan().SequenceEqual(content.AsSpan(1000, 5000)) || !suffix.AsSpan().SequenceEqual(content.AsSpan(size - 10)))
                {
                    problems.Add($"{engine.EngineType}: ranges of {size} bytes differ");
                }
            }
        }

        problems.Add($"{engine.EngineType}: {Sizes.Length} sizes checked");
        await ListingAsync(engine, problems);
        return problems;
    }

    /// <summary>
    /// Listings as the WebAssembly engines read them (indexeddb: pages through [JSImport] as flat string arrays;
    /// localstorage: through IJSRuntime): pages of every size around the count, shallow with common prefixes,
    /// StartAfter, keys only, metadata and content type, and keys with quotes and non-ASCII text. Adds one line per
    /// difference (none when every listing is right).
    /// </summary>
    private static async Task ListingAsync(IStorageEngine engine, List<string> problems)
    {
        string[] names = ["a", "b/1", "b/2", "c\"quote\"", "d é 日本 😀", "e/f/g", "z~!"];
        var keys = names.Select(n => "list/" + n).ToList();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["owner"] = "ada \"q\" ü", ["n"] = "1" };
        foreach (string key in keys)
        {
            await engine.SaveAsync(key, new byte[] { 1, 2, 3 }, new SaveOptions { ContentType = "text/x-check", Metadata = metadata });
        }

        var ordered = keys.Order(StringComparer.Ordinal).ToList();
        foreach (int pageSize in new[] { 1, 2, keys.Count - 1, keys.Count, 500 })
        {
            var listed = new List<StorageEntry>();
            await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "list/", Recursive = true, PageSize = pageSize }))
            {
                listed.Add(entry);
            }

            if (!listed.Select(e => e.Key).SequenceEqual(ordered))
            {
                problems.Add($"{engine.EngineType}: pages of {pageSize} listed [{string.Join(", ", listed.Select(e => e.Key))}]");
            }

            foreach (var entry in listed)
            {
                if (entry.Item is not { Size: 3, ContentType: "text/x-check" } item || !item.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal).SequenceEqual(metadata.OrderBy(m => m.Key, StringComparer.Ordinal)))
                {
                    problems.Add($"{engine.EngineType}: '{entry.Key}' listed without its size, content type or metadata");
                }
            }
        }

        var shallow = new List<string>();
        await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "list/", Recursive = false, PageSize = 2 }))
        {
            shallow.Add(entry.IsPrefix ? entry.Key + "*" : entry.Key);
        }

        var expectedShallow = ordered.Select(k => k.IndexOf('/', "list/".Length) is int slash and >= 0 ? k[..(slash + 1)] + "*" : k).Distinct().ToList();
        if (!shallow.SequenceEqual(expectedShallow))
        {
            problems.Add($"{engine.EngineType}: the shallow listing was [{string.Join(", ", shallow)}], not [{string.Join(", ", expectedShallow)}]");
        }

        var after = new List<string>();
        await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "list/", Recursive = true, StartAfter = ordered[2], KeysOnly = true }))
        {
            after.Add(entry.Key);
            if (entry.Item is not null)
            {
                problems.Add($"{engine.EngineType}: a keys-only listing returned the item of '{entry.Key}'");
            }
        }

        if (!after.SequenceEqual(ordered.Skip(3)))
        {
            problems.Add($"{engine.EngineType}: after '{ordered[2]}' the listing was [{string.Join(", ", after)}]");
        }

        await engine.DeletePrefixAsync("list/");
    }

    private async Task<Dictionary<string, object?>> LargeAsync(string run)
    {
        const long size = 50L * 1024 * 1024;
        var result = new Dictionary<string, object?>(StringComparer.Ordinal) { ["size"] = size };
        var context = new StorageProviderContext { PipelineName = "selfcheck", StageName = "db", Services = new Runtime(js) };
        var backend = await new IndexedDbProvider().CreateAsync(new IndexedDbOptions { DatabaseName = "large-" + run }, context);
        var inner = await new EncryptedProvider().CreateAsync(new EncryptedOptions { Key = Convert.ToBase64String(new byte[32]) }, context with { StageName = "vault", Inner = backend });
        result["chain"] = "cached → encrypted → indexeddb";
        await using var engine = await new CachedProvider().CreateAsync(new CachedOptions(), context with { StageName = "lru", Inner = inner });
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        var source = new SeededSource(size);
        var watch = Stopwatch.StartNew();
        await engine.SaveAsync("big.bin", source);
        result["saveSeconds"] = watch.Elapsed.TotalSeconds;
        watch.Restart();
        await using var loaded = await engine.OpenReadAsync("big.bin");
        var reader = new SeededSource(size);
        byte[] expected = new byte[81920];
        byte[] buffer = new byte[81920];
        long total = 0;
        long loadRetained = 0;
        bool same = true;
        int read;
        while ((read = await loaded.Content.ReadAsync(buffer)) > 0)
        {
            int filled = 0;
            while (filled < read)
            {
                filled += reader.Read(expected, filled, read - filled);
            }

            same &= buffer.AsSpan(0, read).SequenceEqual(expected.AsSpan(0, read));
            long before = total;
            total += read;
            if (before < size / 2 && total >= size / 2)
            {
                loadRetained = GC.GetTotalMemory(forceFullCollection: true) - baseline;
            }
        }

        result["loadSeconds"] = watch.Elapsed.TotalSeconds;
        result["loaded"] = total;
        result["same"] = same;
        result["saveRetainedHalfway"] = source.RetainedHalfway - baseline;
        result["loadRetainedHalfway"] = loadRetained;
        return result;
    }

    /// <summary>
    /// The encrypted stage on WebCrypto against .NET's: opens the object the test process sealed (left in
    /// sessionStorage), seals the same plaintext for the test process to open, and refuses a damaged copy.
    /// </summary>
    private async Task<Dictionary<string, object?>> InteropAsync()
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        byte[] plaintext = new byte[InteropSize];
        for (int i = 0; i < plaintext.Length; i++)
        {
            plaintext[i] = (byte)(i % 251);
        }

        var store = new MemoryEngine();
        var context = new StorageProviderContext { PipelineName = "selfcheck", StageName = "vault", Inner = store, Services = new Runtime(js) };
        byte[] ringKey = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        await using var engine = await new EncryptedProvider().CreateAsync(new EncryptedOptions { KeyId = "k1", Key = Convert.ToBase64String(ringKey) }, context);

        await engine.SaveAsync("interop/browser.bin", plaintext);
        result["browserSealed"] = Convert.ToBase64String(await store.LoadBytesAsync("interop/browser.bin"));

        string? desktop = await js.InvokeAsync<string?>("sessionStorage.getItem", InteropInputItem);
        if (desktop is null)
        {
            result["desktopOpened"] = "no object sealed by .NET was left in sessionStorage";
            return result;
        }

        byte[] desktopSealed = Convert.FromBase64String(desktop);
        await store.SaveAsync("interop/desktop.bin", desktopSealed);
        result["desktopOpened"] = (await engine.LoadBytesAsync("interop/desktop.bin")).AsSpan().SequenceEqual(plaintext) ? "same" : "different";

        desktopSealed[desktopSealed.Length / 2] ^= 0x01; // a bit of the second segment
        await store.SaveAsync("interop/desktop.bin", desktopSealed);
        try
        {
            await engine.LoadBytesAsync("interop/desktop.bin");
            result["damagedOpened"] = "returned content";
        }
        catch (StorageException e)
        {
            result["damagedOpened"] = e.Code.ToString();
        }

        return result;
    }

    /// <summary>What a stage built here may ask for: the page's IJSRuntime, and WebCrypto's AES-GCM (what AddAtomitonBrowserStorage registers in WebAssembly).</summary>
    private sealed class Runtime(IJSRuntime js) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(IJSRuntime) ? js
            : serviceType == typeof(SegmentCipherFactory) ? new WebCryptoSegmentCipherFactory(js)
            : null;
    }

    /// <summary>A non-seekable view of an array, as a caller's upload would be.</summary>
    private sealed class NonSeekable(byte[] content) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => false;
    }

    /// <summary>Seeded pseudo-random content of a given size, not seekable; notes the retained heap half-way.</summary>
    private sealed class SeededSource(long size) : Stream
    {
        private readonly Random _random = new(50);
        private long _position;

        public long RetainedHalfway { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, size - _position);
            _random.NextBytes(buffer.AsSpan(offset, n));
            long before = _position;
            _position += n;
            if (before < size / 2 && _position >= size / 2)
            {
                RetainedHalfway = GC.GetTotalMemory(forceFullCollection: true);
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
