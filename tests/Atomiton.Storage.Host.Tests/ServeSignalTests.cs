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

    [SkippableTheory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 0)]
    public async Task Serve_stopped_by_a_signal_exits_with_the_documented_code(string signal, int exitCode)
    {
        Skip.If(OperatingSystem.IsWindows(), "POSIX signals are sent with kill(1), which Windows does not have.");
        Skip.If(signal == "INT" && SigIntIgnored(),
            "SIGINT is ignored by this test run (started in the background without job control), and the served host inherits that, as every program does: Ctrl+C cannot reach it here.");
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

    /// <summary>Whether this process ignores SIGINT (bit 2 of the SigIgn mask in /proc/self/status on Linux).</summary>
    private static bool SigIntIgnored()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && (ulong.Parse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) & (1UL << 1)) != 0;
    }
}
