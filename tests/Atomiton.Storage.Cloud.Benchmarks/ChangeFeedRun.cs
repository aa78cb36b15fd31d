using System.Diagnostics;
using System.Globalization;
using System.Text;
using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Cloud.Benchmarks;

/// <summary>
/// "What changed since my cursor?" against a full listing, on a loopback server holding
/// <c>keys</c> objects written through it (so its change log holds a change for each): after a
/// cursor is taken, <c>changes</c> more objects are written, then the plugin reads the changes
/// since the cursor and, beside it, lists every key. Each is repeated; the HTTP requests of each
/// are counted by a handler between the plugin and the server, and timed.
/// </summary>
public static class ChangeFeedRun
{
    /// <summary>What one run measured.</summary>
    /// <param name="Keys">Objects stored before the cursor.</param>
    /// <param name="Changes">Objects written after it.</param>
    /// <param name="FeedRequests">HTTP requests of one read of the changes since the cursor.</param>
    /// <param name="FeedMilliseconds">Times of the reads of the changes, sorted.</param>
    /// <param name="ListRequests">HTTP requests of one full listing.</param>
    /// <param name="ListMilliseconds">Times of the full listings, sorted.</param>
    /// <param name="SeedSeconds">How long writing the keys through the server took.</param>
    public sealed record Result(int Keys, int Changes, int FeedRequests, double[] FeedMilliseconds, int ListRequests, double[] ListMilliseconds, double SeedSeconds)
    {
        public static double Median(double[] sorted) => sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];

        public string ToMarkdownRow() => string.Create(CultureInfo.InvariantCulture,
            $"| {Keys:N0} | {Changes} | {FeedRequests} | {Median(FeedMilliseconds):0.00} | {ListRequests} | {Median(ListMilliseconds):0.0} | {Median(ListMilliseconds) / Median(FeedMilliseconds):0}× |");

        public static string MarkdownHeader =>
            "| keys stored | changes since the cursor | requests: changes since cursor | median ms: changes since cursor | requests: full listing | median ms: full listing | listing / changes |\n"
            + "|---:|---:|---:|---:|---:|---:|---:|";
    }

    public static async Task<Result> RunAsync(int keys, int changes, int feedRepeats, int listRepeats, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), "atomiton-cloud-changes", Guid.NewGuid().ToString("N"));
        var options = new CloudServerOptions
        {
            Keys = new ApiKeyStore(Path.Combine(directory, "keys.json")),
            UploadDirectory = Path.Combine(directory, "uploads"),
            RateLimitPermits = null,
        };
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");
        await using var memory = new MemoryEngine();
        await using var server = await CloudServer.StartAsync(memory, options, cancellationToken);
        try
        {
            var apiKey = options.Keys.Create("tenants/bench/", ApiKeyPermissions.Read | ApiKeyPermissions.Write).Key;
            var context = new StorageProviderContext { PipelineName = "bench", StageName = "cloud" };
            var cloudOptions = new CloudOptions { Endpoint = server.Endpoint.ToString(), ApiKey = apiKey };

            // The keys are written through the server, 16 clients at a time, so the change log holds them all.
            var seed = Stopwatch.StartNew();
            var writers = new List<IStorageEngine>();
            for (int w = 0; w < 16; w++)
            {
                writers.Add(await new CloudProvider().CreateAsync(cloudOptions, context, cancellationToken));
            }

            var payload = new byte[64];
            await Parallel.ForEachAsync(Enumerable.Range(0, keys), new ParallelOptions { MaxDegreeOfParallelism = writers.Count, CancellationToken = cancellationToken },
                async (i, token) => await writers[i % writers.Count].SaveAsync(string.Create(CultureInfo.InvariantCulture, $"data/{i / 1000:D4}/k{i:D7}"), payload, cancellationToken: token));
            seed.Stop();

            var counter = new CountingHandler();
            await using var reader = await CloudEngine.ConnectAsync(cloudOptions, context, counter, cancellationToken);
            var cursor = await reader.GetChangeCursorAsync("", cancellationToken);
            for (int i = 0; i < changes; i++)
            {
                await writers[0].SaveAsync(string.Create(CultureInfo.InvariantCulture, $"changed/c{i:D3}"), payload, cancellationToken: cancellationToken);
            }

            foreach (var writer in writers)
            {
                await writer.DisposeAsync();
            }

            int feedRequests = 0;
            var feedTimes = new double[feedRepeats];
            for (int r = 0; r < feedRepeats; r++)
            {
                counter.Reset();
                var watch = Stopwatch.StartNew();
                int seen = 0;
                var next = cursor;
                StorageChangePage page;
                do
                {
                    page = await reader.ReadChangesAsync(next, cancellationToken: cancellationToken);
                    seen += page.Changes.Count;
                    next = page.Cursor;
                }
                while (page.HasMore);

                feedTimes[r] = watch.Elapsed.TotalMilliseconds;
                feedRequests = counter.Count;
                if (seen != changes)
                {
                    throw new InvalidOperationException($"The feed reported {seen} changes; {changes} were made.");
                }
            }

            int listRequests = 0;
            var listTimes = new double[listRepeats];
            for (int r = 0; r < listRepeats; r++)
            {
                counter.Reset();
                var watch = Stopwatch.StartNew();
                int listed = 0;
                await foreach (var _ in reader.ListAsync(new ListOptions(), cancellationToken))
                {
                    listed++;
                }

                listTimes[r] = watch.Elapsed.TotalMilliseconds;
                listRequests = counter.Count;
                if (listed != keys + changes)
                {
                    throw new InvalidOperationException($"The listing had {listed} keys; {keys + changes} are stored.");
                }
            }

            Array.Sort(feedTimes);
            Array.Sort(listTimes);
            return new Result(keys, changes, feedRequests, feedTimes, listRequests, listTimes, seed.Elapsed.TotalSeconds);
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Markdown for several runs.</summary>
    public static string ToMarkdown(IEnumerable<Result> results)
    {
        var text = new StringBuilder().AppendLine(Result.MarkdownHeader);
        foreach (var result in results)
        {
            text.AppendLine(result.ToMarkdownRow());
        }

        return text.ToString();
    }

    /// <summary>Counts the HTTP requests the plugin sends.</summary>
    private sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Volatile.Write(ref _count, 0);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
