using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Atomiton.Storage.Benchmarks.EncryptionBenchmarks).Assembly).Run(args);
