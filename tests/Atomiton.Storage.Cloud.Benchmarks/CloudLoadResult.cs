using System.Globalization;
using System.Text;

namespace Atomiton.Storage.Cloud.Benchmarks;

/// <summary>What a load run measured.</summary>
public sealed record CloudLoadResult(int Clients, int OperationsPerClient, TimeSpan Elapsed, long Errors, long LostWrites, IReadOnlyDictionary<string, double[]> LatenciesByOperation)
{
    /// <summary>What the run cost per operation, when it was counted.</summary>
    public CostMeter.Cost? Cost { get; init; }

    public long Operations => LatenciesByOperation.Values.Sum(l => (long)l.Length);

    public double Throughput => Operations / Elapsed.TotalSeconds;

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>One row of a side-by-side table: target, operations, seconds, ops/s, p50 and p99 of all operations, errors, lost writes.</summary>
    public string ToSummaryRow(string target, bool checksWrites = true)
    {
        var all = LatenciesByOperation.Values.SelectMany(l => l).Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"| {target} | {Operations} | {Elapsed.TotalSeconds:0.0} | **{Throughput:0}** | {Percentile(all, 50):0.00} | {Percentile(all, 99):0.00} | {Errors} | {(checksWrites ? LostWrites.ToString(CultureInfo.InvariantCulture) : "not checked")} |");
    }

    public string ToMarkdown()
    {
        var all = LatenciesByOperation.Values.SelectMany(l => l).Order().ToArray();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Clients} clients × {OperationsPerClient} operations = {Operations} operations in {Elapsed.TotalSeconds:0.00} s: **{Throughput:0} ops/s**, errors {Errors}, lost writes {LostWrites}.");
        text.AppendLine();
        text.AppendLine("| operation | count | p50 (ms) | p99 (ms) | max (ms) |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (name, latencies) in LatenciesByOperation.OrderBy(p => p.Key, StringComparer.Ordinal).Append(new("all", all)))
        {
            var sorted = latencies.Order().ToArray();
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {sorted.Length} | {Percentile(sorted, 50):0.000} | {Percentile(sorted, 99):0.000} | {(sorted.Length == 0 ? 0 : sorted[^1]):0.000} |");
        }

        if (Cost is { } cost)
        {
            text.AppendLine();
            text.AppendLine("Per operation, on average: " + CostText(cost) + ".");
        }

        return text.ToString();
    }

    /// <summary>A cost per operation as text: database operations and their time, blob requests and their time, CPU by component.</summary>
    public static string CostText(CostMeter.Cost cost) => string.Create(CultureInfo.InvariantCulture,
        $"{cost.DatabaseOperations:0.0} PostgreSQL operations ({cost.DatabaseMilliseconds:0.0} ms), {cost.BlobRequests:0.0} blob requests ({cost.BlobMilliseconds:0.0} ms); CPU {cost.CpuSelfMilliseconds:0.0} ms clients and servers, {cost.CpuPostgresMilliseconds:0.0} ms PostgreSQL, {cost.CpuBlobMilliseconds:0.0} ms Azurite");
}
