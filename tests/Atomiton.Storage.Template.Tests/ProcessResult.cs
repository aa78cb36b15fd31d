namespace Atomiton.Storage.Template.Tests;

/// <summary>The exit code and interleaved output of a finished child process.</summary>
public sealed record ProcessResult(int ExitCode, string Output)
{
    public ProcessResult EnsureSuccess(string what) =>
        ExitCode == 0 ? this : throw new Xunit.Sdk.XunitException($"{what} failed with exit code {ExitCode}:\n{Output}");
}
