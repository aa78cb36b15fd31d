using System.Globalization;
using System.Runtime.InteropServices;
using Atomiton.Storage.Cloud.Benchmarks;

// Usage: [clients = 32] [operations per client = 1000] [Markdown file to write]
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
