using BenchmarkDotNet.Running;

namespace Atomiton.Storage.Plugins.AzureBlob.Benchmarks;

/// <summary>Runs the benchmarks given on the command line (<c>--filter '*'</c> for all).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
