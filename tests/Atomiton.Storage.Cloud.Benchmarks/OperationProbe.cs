using System.Diagnostics;
using System.Globalization;
using System.Text;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Cloud.Benchmarks;

/// <summary>
/// One client, one operation at a time, one kind of operation at a time: the latency of each kind with
/// nothing queued beside it, and what each costs (database operations, blob requests, CPU), so a
/// loaded run's figures can be split into what one operation does and what waiting adds.
/// </summary>
public static class OperationProbe
{
    private const int Repeats = 32;

    public static async Task<IReadOnlyList<(string Operation, double P50, CostMeter.Cost Cost)>> RunAsync(CloudTarget target, CancellationToken cancellationToken)
    {
        string tenant = $"probe/{Guid.NewGuid():N}/";
        string apiKey = await target.CreateKeyAsync(tenant);
        var context = new StorageProviderContext { PipelineName = "probe", StageName = "cloud" };

        // Reads go through a second client: the writer's item cache would answer its stats.
        await using var writer = await new CloudProvider().CreateAsync(new CloudOptions { Endpoint = target.Endpoints[0].ToString(), ApiKey = apiKey }, context, cancellationToken);
        await using var reader = await new CloudProvider().CreateAsync(new CloudOptions { Endpoint = target.Endpoints[0].ToString(), ApiKey = apiKey }, context, cancellationToken);
        var content = new byte[1024];
        new Random(7).NextBytes(content);
        var results = new List<(string, double, CostMeter.Cost)>();
        foreach (var operation in new[] { "save", "load", "stat", "list", "delete" })
        {
            var latencies = new double[Repeats];
            using var meter = target.StartCostMeter();
            for (int i = 0; i < Repeats; i++)
            {
                string key = $"k{i:D2}";
                var watch = Stopwatch.StartNew();
                switch (operation)
                {
                    case "save":
                        await writer.SaveAsync(key, content, null, cancellationToken);
                        break;
                    case "load":
                        await reader.LoadBytesAsync(key, null, cancellationToken);
                        break;
                    case "stat":
                        await reader.StatAsync(key, cancellationToken);
                        break;
                    case "list":
                        await foreach (var _ in reader.ListAsync(new ListOptions { PageSize = 100 }, cancellationToken))
                        {
                        }

                        break;
                    default:
                        await writer.DeleteAsync(key, null, cancellationToken);
                        break;
                }

                latencies[i] = watch.Elapsed.TotalMilliseconds;
            }

            var cost = meter.Stop(Repeats);
            results.Add((operation, CloudLoadResult.Percentile([.. latencies.Order()], 50), cost));
        }

        return results;
    }

    public static string ToMarkdown(IReadOnlyList<(string Operation, double P50, CostMeter.Cost Cost)> probe)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"One client, one operation at a time ({Repeats} of each), per operation:");
        text.AppendLine();
        text.AppendLine("| operation | p50 (ms) | PostgreSQL operations | their time (ms) | blob requests | their time (ms) | CPU clients+servers (ms) | CPU PostgreSQL (ms) | CPU Azurite (ms) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (operation, p50, c) in probe)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {operation} | {p50:0.00} | {c.DatabaseOperations:0.0} | {c.DatabaseMilliseconds:0.00} | {c.BlobRequests:0.0} | {c.BlobMilliseconds:0.00} | {c.CpuSelfMilliseconds:0.00} | {c.CpuPostgresMilliseconds:0.00} | {c.CpuBlobMilliseconds:0.00} |");
        }

        return text.ToString();
    }
}
