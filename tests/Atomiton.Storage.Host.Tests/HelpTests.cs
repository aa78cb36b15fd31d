using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

public sealed class HelpTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public static TheoryData<string> Commands => new() { "demo", "plugins", "pipelines", "validate", "put", "get", "ls", "rm", "stat", "info", "cp", "mv", "migrate" };

    [Fact]
    public async Task Root_help_lists_every_command_and_global_option()
    {
        var result = await _sandbox.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (string command in Commands)
        {
            Assert.Contains(command, result.Output, StringComparison.Ordinal);
        }

        foreach (string option in new[] { "--config", "--pipeline", "--json", "--verbose" })
        {
            Assert.Contains(option, result.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help(string command)
    {
        var result = await _sandbox.RunAsync(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
        Assert.Contains("--pipeline", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_arguments_shows_the_help()
    {
        var result = await _sandbox.RunAsync();

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Commands:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_command_is_a_usage_error_with_exit_code_2()
    {
        var result = await _sandbox.RunAsync("frobnicate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("frobnicate", result.Error, StringComparison.Ordinal);
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_required_option_is_a_usage_error()
    {
        var result = await _sandbox.RunAsync("migrate", "--from", "local");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--to", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _sandbox.Dispose();
}
