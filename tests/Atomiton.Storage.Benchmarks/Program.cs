using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Atomiton.Storage.Benchmarks.FileSystemBenchmarks).Assembly).Run(args);
