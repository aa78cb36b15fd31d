using System.Diagnostics;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

/// <summary>
/// How the served host ends on a real signal (a separate process: signals cannot be sent to the
/// test process): Ctrl+C exits 130 as docs/cli.md says, a service manager's SIGTERM exits 0; both
/// stop gracefully ("Stopped.").
/// </summary>
public sealed class ServeSignalTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [PosixTheory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 0)]
    public async Task Serve_stopped_by_a_signal_exits_with_the_documented_code(string signal, int exitCode)
    {
        using var serving = Process.Start(HostProcess.StartInfo(_sandbox.Directory, ["serve", "--pipeline", "mem", "--urls", "http://127.0.0.1:0"]))!;
        try
        {
            string? banner = await serving.StandardOutput.ReadLineAsync().WaitAsync(HangGuard);
            Assert.StartsWith("Serving pipeline 'mem' on ", banner, StringComparison.Ordinal);

            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, serving.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!)
            {
                await kill.WaitForExitAsync().WaitAsync(HangGuard);
                Assert.Equal(0, kill.ExitCode);
            }

            string error = await serving.StandardError.ReadToEndAsync().WaitAsync(HangGuard);
            await serving.WaitForExitAsync().WaitAsync(HangGuard);

            Assert.Equal(exitCode, serving.ExitCode);
            Assert.EndsWith("Stopped.", error.TrimEnd(), StringComparison.Ordinal);
        }
        finally
        {
            if (!serving.HasExited)
            {
                serving.Kill(entireProcessTree: true);
            }
        }
    }
}
