using System.Diagnostics;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>Runs the test worker (<c>dotnet TestWorker.dll …</c>) as a child process with redirected stdio.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    public WorkerProcess(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the test worker.");
    }

    /// <summary>TestWorker.dll, built beside this test project (same configuration).</summary>
    public static string WorkerPath
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string framework = output.Name;
            string configuration = output.Parent!.Name;
            string tests = output.Parent.Parent!.Parent!.Parent!.FullName;
            string path = Path.Combine(tests, "Atomiton.Storage.Plugins.FileSystem.TestWorker", "bin", configuration, framework, "TestWorker.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"Build the test worker first; expected it at {path}.");
        }
    }

    /// <summary>The next line the worker printed; fails with its error output when it ended instead.</summary>
    public async Task<string> ReadLineAsync()
    {
        string? line = await _process.StandardOutput.ReadLineAsync();
        if (line is null)
        {
            await _process.WaitForExitAsync();
            throw new InvalidOperationException($"The worker exited with code {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()}");
        }

        return line;
    }

    /// <summary>Reads lines until one equals <paramref name="expected"/>; returns the lines before it.</summary>
    public async Task<List<string>> ReadUntilAsync(string expected)
    {
        var lines = new List<string>();
        while (true)
        {
            string line = await ReadLineAsync();
            if (line == expected)
            {
                return lines;
            }

            lines.Add(line);
        }
    }

    public Task SendAsync(string line) => _process.StandardInput.WriteLineAsync(line);

    /// <summary>SIGKILL on Unix (TerminateProcess on Windows): no cleanup code of the worker runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task WaitForExitAsync()
    {
        await _process.WaitForExitAsync();
        Assert.True(_process.ExitCode == 0, $"The worker failed: {await _process.StandardError.ReadToEndAsync()}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
