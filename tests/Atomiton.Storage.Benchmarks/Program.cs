using BenchmarkDotNet.Running;

if (args is ["lock-contention", ..])
{
    // A custom measured run (latency percentiles of single saves), not a BenchmarkDotNet class.
    await Atomiton.Storage.Benchmarks.LockContentionBenchmark.RunAsync(twoEnginesOnly: args is [_, "two-engines"]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Atomiton.Storage.Benchmarks.FileSystemBenchmarks).Assembly).Run(args);
