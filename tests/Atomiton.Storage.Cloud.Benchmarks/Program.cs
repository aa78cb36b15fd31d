using System.Globalization;
using System.Runtime.InteropServices;
using Atomiton.Storage.Cloud.Benchmarks;

// Usage: [clients = 32] [operations per client = 1000] [Markdown file to write]
//    or: changes [largest key count = 100000] [changes = 10] [Markdown file to write]
if (args.Length > 0 && args[0] == "changes")
{
    int largest = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
    int changeCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
    using var changesTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(60));
    await ChangeFeedRun.RunAsync(1000, changeCount, 5, 2, changesTimeout.Token); // warm-up: JIT and connections
    var runs = new List<ChangeFeedRun.Result>();
    foreach (var count in new[] { largest / 100, largest / 10, largest }.Where(c => c > 0).Distinct())
    {
        runs.Add(await ChangeFeedRun.RunAsync(count, changeCount, feedRepeats: 51, listRepeats: 5, changesTimeout.Token));
        Console.WriteLine($"{count} keys seeded through the server in {runs[^1].SeedSeconds:0.0} s");
    }

    var changesReport = $"""
        Machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}.
        Command: `dotnet run -c Release --project tests/Atomiton.Storage.Cloud.Benchmarks -- changes {largest} {changeCount} changes-benchmark.md`

        {ChangeFeedRun.ToMarkdown(runs)}
        """;
    Console.WriteLine(changesReport);
    if (args.Length > 3)
    {
        await File.WriteAllTextAsync(args[3], changesReport.ReplaceLineEndings("\n"));
    }

    return 0;
}

int clients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 32;
int operations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));

// A short warm-up so JIT and connection set-up are not measured.
await CloudLoadRun.RunAsync(Math.Min(clients, 4), 50, timeout.Token);
var result = await CloudLoadRun.RunAsync(clients, operations, timeout.Token);
var report = $"""
    # Atomiton Cloud load benchmark

    Loopback only: one in-process server (Kestrel, `cloud` API v1) over a memory engine, and {clients} `cloud`
    plugin engines in the same process, each a separate API key and tenant, each doing {operations} seeded
    mixed operations on 64 keys of its own (45% save of 1 KiB, 35% load, 10% stat, 5% list, 5% delete),
    checking every load against its own model; afterwards every key is compared with the model
    (lost writes). Server and clients share the machine's cores, so these are end-to-end figures of the
    whole stack, not of the server alone.

    Machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}.
    Command: `dotnet run -c Release --project tests/Atomiton.Storage.Cloud.Benchmarks -- {clients} {operations} cloud-benchmark.md` (then copy the table into docs/benchmarks.md)

    {result.ToMarkdown()}
    """;
Console.WriteLine(report);
if (args.Length > 2)
{
    await File.WriteAllTextAsync(args[2], report.ReplaceLineEndings("\n"));
}

return result.Errors == 0 && result.LostWrites == 0 ? 0 : 1;
