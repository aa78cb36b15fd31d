using System.Text.RegularExpressions;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary>put and get of 8 MiB and more show progress on stderr: plain lines when redirected, a bar on a terminal, nothing with --json.</summary>
public sealed class ProgressInProcessTests : IDisposable
{
    private const int Threshold = 8 << 20;

    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    // Every progress report prints a line, so the test needs no clock.
    private InProcessCli Redirected => _sandbox.Cli with { ProgressInterval = TimeSpan.Zero };

    [Fact]
    public async Task Put_of_a_large_file_prints_plain_progress_lines_ending_at_100_percent()
    {
        var content = WriteFile("big.bin", Threshold + 123);

        var put = await Redirected.RunAsync("put", "big/file.bin", "big.bin");

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.StartsWith("put big/file.bin: 8.0 MiB, etag ", put.Output, StringComparison.Ordinal);
        Assert.NotEmpty(put.ErrorLines);
        Assert.All(put.ErrorLines, line => Assert.Matches(@"^put big/file\.bin: \d+(\.\d)? (B|KiB|MiB) of 8\.0 MiB \(\d+%\), \d+(\.\d)? (B|KiB|MiB|GiB)/s(, ETA \d\d:\d\d:\d\d)?$", line));
        Assert.Contains("(100%)", put.ErrorLines[^1], StringComparison.Ordinal);
        Assert.Equal(content, await LoadAsync("big/file.bin"));
    }

    [Fact]
    public async Task Get_of_a_large_object_to_a_file_prints_plain_progress_lines()
    {
        var content = WriteFile("big.bin", Threshold);
        Assert.Equal(0, (await _sandbox.Cli.RunAsync("put", "big.bin", "big.bin", "--json")).ExitCode);

        var get = await Redirected.RunAsync("get", "big.bin", "copy.bin");

        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("get big.bin: 8.0 MiB written to copy.bin", get.Output.TrimEnd());
        Assert.All(get.ErrorLines, line => Assert.StartsWith("get big.bin: ", line, StringComparison.Ordinal));
        Assert.Contains("8.0 MiB of 8.0 MiB (100%)", get.ErrorLines[^1], StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(_sandbox.PathOf("copy.bin")));
    }

    [Fact]
    public async Task Json_and_small_transfers_show_no_progress()
    {
        WriteFile("big.bin", Threshold);
        WriteFile("small.bin", Threshold - 1);

        var json = await Redirected.RunAsync("put", "big.bin", "big.bin", "--json");
        var small = await Redirected.RunAsync("put", "small.bin", "small.bin");
        var jsonGet = await Redirected.RunAsync("get", "big.bin", "copy.bin", "--json");

        Assert.Equal(0, json.ExitCode);
        Assert.Equal("", json.Error);
        Assert.Equal(0, small.ExitCode);
        Assert.Equal("", small.Error);
        Assert.Equal(0, jsonGet.ExitCode);
        Assert.Equal("", jsonGet.Error);
    }

    [Fact]
    public async Task On_a_terminal_put_draws_a_progress_bar()
    {
        WriteFile("big.bin", Threshold);

        var put = await (_sandbox.Cli with { IsTerminal = true }).RunAsync("put", "big.bin", "big.bin");

        Assert.Equal(0, put.ExitCode);
        Assert.Contains("put big.bin", put.Error, StringComparison.Ordinal);
        Assert.Contains("100%", put.Error, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"^put big\.bin: .+ of ", RegexOptions.Multiline), put.Error);
    }

    private byte[] WriteFile(string name, int size)
    {
        var content = new byte[size];
        new Random(size).NextBytes(content);
        File.WriteAllBytes(_sandbox.PathOf(name), content);
        return content;
    }

    private async Task<byte[]> LoadAsync(string key)
    {
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            return await engine.LoadBytesAsync(key);
        }
    }
}
