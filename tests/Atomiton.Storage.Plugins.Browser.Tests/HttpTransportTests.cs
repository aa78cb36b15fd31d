using System.Net;
using System.Text.Json;
using Atomiton.Storage.Plugins.Browser.IndexedDb;
using Atomiton.Storage.Plugins.Browser.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// Blazor Server's HTTP transport for large content (Atomiton.Storage.Plugins.Browser.Server): the calls cross the
/// circuit, the bytes go over one request each; addresses are one-time; a wrong or failing source writes nothing;
/// a page that cannot reach the endpoints still gets its objects, through the circuit.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class HttpTransportTests(BrowserFixture browser)
{
    private const int MiB = 1024 * 1024;

    private HttpContentTransport HostTransport => browser.HostServices.GetRequiredService<HttpContentTransport>();

    [SkippableFact]
    public async Task A_1_MiB_save_and_load_make_two_circuit_calls_each_and_move_the_bytes_over_HTTP()
    {
        var page = await PageAsync();
        await using var engine = new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = "http-" + Guid.NewGuid().ToString("N") }, transport: browser.Transport);
        byte[] content = Seeded(MiB, seed: 1);
        await engine.SaveAsync("warm.bin", content); // opens the database

        var module = await page.Runtime.InvokeAsync<IJSObjectReference>("import", "./_content/Atomiton.Storage.Plugins.Browser/atomiton-storage.js");
        await module.InvokeAsync<JsonElement>("interopProfile", true);
        var item = await engine.SaveAsync("one.bin", content);
        byte[] loaded = await engine.LoadBytesAsync("one.bin");
        var calls = (await module.InvokeAsync<JsonElement>("interopProfile", false)).GetProperty("calls");
        await module.DisposeAsync();

        Assert.Equal(MiB, item.Size);
        Assert.Equal(content, loaded);
        Assert.Equal(1, calls.GetProperty("fetchUpload").GetInt32());
        Assert.Equal(1, calls.GetProperty("idbSave").GetInt32());
        Assert.Equal(1, calls.GetProperty("idbOpen").GetInt32());
        Assert.False(calls.TryGetProperty("appendUpload", out _), "a chunk went through the circuit: " + calls);
        Assert.True(engine.UsesHttpTransport);
        Assert.Equal(0, HostTransport.Pending);
    }

    [SkippableFact]
    public async Task A_range_of_a_large_object_loads_over_HTTP()
    {
        var page = await PageAsync();
        await using var engine = new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = "http-range-" + Guid.NewGuid().ToString("N") }, transport: browser.Transport);
        byte[] content = Seeded(3 * MiB, seed: 2);
        await engine.SaveAsync("r.bin", content);

        await using var read = await engine.OpenReadAsync("r.bin", new ReadOptions { Range = ByteRange.From(1_000_000, 700_000) });
        using var copy = new MemoryStream();
        await read.Content.CopyToAsync(copy);

        Assert.Equal(content.AsSpan(1_000_000, 700_000).ToArray(), copy.ToArray());
        Assert.Equal(0, HostTransport.Pending);
    }

    [SkippableFact]
    public async Task A_transfer_address_answers_once_and_anything_else_gets_404()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        using var http = new HttpClient { BaseAddress = browser.BaseAddress };
        byte[] content = Seeded(200_000, seed: 3);

        using (var offer = browser.Transport.Offer(new MemoryStream(content), content.Length))
        {
            using var first = await http.GetAsync(offer.Address);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(content, await first.Content.ReadAsByteArrayAsync());
            Assert.True(first.Headers.CacheControl?.NoStore);
            await offer.Completion;
            Assert.True(offer.Claimed);

            using var second = await http.GetAsync(offer.Address);
            Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        }

        // A withdrawn offer, a made-up token, and a GET address used for a POST all answer the same.
        var withdrawn = browser.Transport.Offer(new MemoryStream(content), content.Length);
        withdrawn.Dispose();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn.Completion);
        foreach (string address in new[] { withdrawn.Address, "_atomiton/storage/transfer/" + new string('A', 43) })
        {
            using var get = await http.GetAsync(address);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            using var post = await http.PostAsync(address, new ByteArrayContent(content));
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
            Assert.DoesNotContain("Exception", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // An expectation takes one post; the request lasts until the body is disposed.
        using (var expectation = browser.Transport.Expect())
        {
            var posting = http.PostAsync(expectation.Address, new ByteArrayContent(content));
            await expectation.Arrival;
            byte[] received;
            await using (var body = expectation.TakeBody())
            {
                using var copy = new MemoryStream();
                await body.CopyToAsync(copy);
                received = copy.ToArray();
                Assert.False(posting.IsCompleted);
            }

            using var posted = await posting;
            Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
            Assert.Equal(content, received);
            using var again = await http.PostAsync(expectation.Address, new ByteArrayContent(content));
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        Assert.Equal(0, HostTransport.Pending);
    }

    [SkippableFact]
    public async Task A_save_whose_source_is_shorter_than_stated_or_fails_writes_nothing()
    {
        var page = await PageAsync();
        await using var engine = new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = "http-bad-" + Guid.NewGuid().ToString("N") }, transport: browser.Transport);
        byte[] content = Seeded(MiB, seed: 4);

        var shorter = await Assert.ThrowsAsync<StorageException>(async () =>
            await engine.SaveAsync("short.bin", new ForwardOnly(content, failAfter: null), new SaveOptions { ExpectedLength = 2 * MiB }));
        Assert.Equal(StorageErrorCode.InvalidArgument, shorter.Code);
        Assert.Contains("short.bin", shorter.Message, StringComparison.Ordinal);

        var failing = await Assert.ThrowsAsync<IOException>(async () =>
            await engine.SaveAsync("failing.bin", new ForwardOnly(content, failAfter: 600_000)));
        Assert.Equal(ForwardOnly.Failure, failing.Message);

        Assert.False(await engine.ExistsAsync("short.bin"));
        Assert.False(await engine.ExistsAsync("failing.bin"));
        Assert.True(engine.UsesHttpTransport, "a failing source is not an unreachable transport");
        await engine.SaveAsync("after.bin", content);
        Assert.Equal(content, await engine.LoadBytesAsync("after.bin"));
        Assert.Equal(0, HostTransport.Pending);
    }

    [SkippableFact]
    public async Task A_reader_that_stops_early_ends_the_page_request_and_the_next_load_is_whole()
    {
        var page = await PageAsync();
        await using var engine = new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = "http-early-" + Guid.NewGuid().ToString("N") }, transport: browser.Transport);
        byte[] content = Seeded(4 * MiB, seed: 5);
        await engine.SaveAsync("big.bin", content);

        for (int i = 0; i < 3; i++)
        {
            await using var read = await engine.OpenReadAsync("big.bin");
            byte[] head = new byte[100_000];
            await read.Content.ReadExactlyAsync(head);
            Assert.Equal(content.AsSpan(0, head.Length).ToArray(), head);
        }

        Assert.Equal(content, await engine.LoadBytesAsync("big.bin"));
        Assert.Equal(0, HostTransport.Pending);
    }

    [SkippableFact]
    public async Task A_page_that_goes_away_during_a_load_gives_the_reader_a_network_error_naming_the_key_not_a_short_object()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var page = await browser.OpenAsync(); // its own tab: it is navigated away
        try
        {
            await using var engine = new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = "http-gone-" + Guid.NewGuid().ToString("N") }, transport: browser.Transport);
            byte[] content = Seeded(16 * MiB, seed: 7);
            await engine.SaveAsync("going.bin", content);

            await using var read = await engine.OpenReadAsync("going.bin");
            byte[] head = new byte[64 * 1024];
            await read.Content.ReadExactlyAsync(head);
            await page.Page.GoToAsync("about:blank");

            var error = await Assert.ThrowsAsync<StorageException>(async () =>
            {
                byte[] buffer = new byte[81920];
                while (await read.Content.ReadAsync(buffer) > 0)
                {
                }
            });
            Assert.Equal(StorageErrorCode.NetworkError, error.Code);
            Assert.True(error.IsTransient);
            Assert.Contains("'going.bin'", error.Message, StringComparison.Ordinal);
            Assert.Contains($"of {16 * MiB} bytes", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await page.Page.CloseAsync();
        }

        Assert.Equal(0, HostTransport.Pending);
    }

    [SkippableFact]
    public async Task When_the_page_cannot_reach_the_endpoints_large_objects_go_through_the_circuit_and_it_is_logged_once()
    {
        var page = await PageAsync();
        string database = "http-unmapped-" + Guid.NewGuid().ToString("N");
        byte[] content = Seeded(MiB, seed: 6);
        await using (var writer = new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = database }))
        {
            await writer.SaveAsync("stored.bin", content);
        }

        var log = new ListLogger();
        var unmapped = new HttpContentTransport(new BrowserStorageTransferOptions { Path = "/not-mapped/transfer" }, log);

        // A load first (the page's post is refused), then a save, each on an engine of its own.
        await using (var reader = new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = database }, transport: unmapped))
        {
            Assert.True(reader.UsesHttpTransport);
            Assert.Equal(content, await reader.LoadBytesAsync("stored.bin"));
            Assert.False(reader.UsesHttpTransport);
        }

        await using (var saver = new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = database }, transport: unmapped))
        {
            await saver.SaveAsync("saved.bin", content);
            Assert.False(saver.UsesHttpTransport);
            Assert.Equal(content, await saver.LoadBytesAsync("saved.bin"));
        }

        var warning = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("MapAtomitonBrowserStorageTransfers", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-mapped/transfer/", warning.Message, StringComparison.Ordinal); // no token in a log
        Assert.Equal(0, unmapped.Pending);
    }

    private async Task<ProbePage> PageAsync()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        return await browser.SharedPageAsync();
    }

    private static byte[] Seeded(int size, int seed)
    {
        byte[] bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A non-seekable source that can fail part-way.</summary>
    private sealed class ForwardOnly(byte[] content, int? failAfter) : Atomiton.Storage.IO.ReadOnlyStream
    {
        public const string Failure = "the source's disk went away";
        private int _position;

        public override int Read(Span<byte> buffer)
        {
            if (failAfter is { } limit && _position >= limit)
            {
                throw new IOException(Failure);
            }

            int count = Math.Min(Math.Min(buffer.Length, 64 * 1024), content.Length - _position);
            content.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
    }

    private sealed class ListLogger : ILogger<HttpContentTransport>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
