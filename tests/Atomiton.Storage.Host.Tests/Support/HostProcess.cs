using System.Diagnostics;

namespace Atomiton.Storage.Host.Tests.Support;

/// <summary>Runs the built host as a process: <c>dotnet Atomiton.Storage.Host.dll args…</c> in a working folder.</summary>
internal static class HostProcess
{
    /// <summary>
    /// A hang guard, not a verdict: a migration of 10,000 objects on a shared, loaded 2-core CI box
    /// took longer than 2 minutes, so the guard is generous enough that only a real hang trips it.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> arguments)
    {
        Assert.True(File.Exists(BuildPaths.HostAssembly), $"The host is not built at {BuildPaths.HostAssembly}.");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BuildPaths.HostAssembly);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Keep the user's real config folder out of the tests.
        start.Environment["HOME"] = workingDirectory;
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(workingDirectory, ".config");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return start;
    }

    public static Task<CliResult> RunAsync(string workingDirectory, params string[] arguments) =>
        RunAsync(workingDirectory, null, arguments);

    public static async Task<CliResult> RunAsync(string workingDirectory, byte[]? input, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(workingDirectory, arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var cancellation = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"atomiton-storage {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }
}
