using Atomiton.Storage.Host.Cli;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary>Parsing, help, usage errors and how every failure is reported (text, JSON, verbose, exit codes).</summary>
public sealed class CommandLineInProcessTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task No_arguments_prints_the_help_with_every_command_on_stdout()
    {
        var result = await _sandbox.Cli.RunAsync();

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Commands:", result.Output, StringComparison.Ordinal);
        foreach (var command in new[] { "demo", "plugins", "pipelines", "validate", "put", "get", "ls", "rm", "stat", "info", "cp", "mv", "migrate", "rotate-keys", "serve", "cloud" })
        {
            Assert.Matches($@"(?m)^\s+{command}\b", result.Output);
        }

        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task A_commands_help_shows_its_own_and_the_global_options()
    {
        var result = await _sandbox.Cli.RunAsync("cloud", "keys", "create", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--tenant", result.Output, StringComparison.Ordinal);
        Assert.Contains("--pipeline", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error_pointing_at_the_help()
    {
        var result = await _sandbox.Cli.RunAsync("frobnicate");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains("frobnicate", result.Error, StringComparison.Ordinal);
        Assert.Equal("Run 'atomiton-storage --help' for usage.", result.ErrorLines[^1]);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task A_usage_error_in_a_command_points_at_that_commands_help()
    {
        var result = await _sandbox.Cli.RunAsync("put");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("Run 'atomiton-storage put --help' for usage.", result.ErrorLines[^1]);
    }

    [Fact]
    public async Task A_usage_error_in_a_nested_command_points_at_its_full_name()
    {
        var result = await _sandbox.Cli.RunAsync("cloud", "keys", "create");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--tenant", result.ErrorLines[0], StringComparison.Ordinal);
        Assert.Equal("Run 'atomiton-storage cloud keys create --help' for usage.", result.ErrorLines[^1]);
    }

    [Theory]
    [InlineData("--jsno", "--json", "get", "k.txt", "--jsno")]
    [InlineData("--recursiv", "--recursive", "ls", "--recursiv")]
    [InlineData("--pipelin", "--pipeline", "pipelines", "--pipelin")]
    [InlineData("--tenent", "--tenant", "cloud", "keys", "create", "--tenent", "t/")]
    [InlineData("-x", null, "put", "k.txt", "-x")]
    public async Task A_misspelt_option_is_a_usage_error_suggesting_the_closest_option_and_writes_nothing(string given, string? suggested, params string[] arguments)
    {
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            await engine.SaveAsync("k.txt", "content"u8.ToArray());
        }

        var result = await _sandbox.Cli.RunAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: unknown option '{given}'", result.ErrorLines[0], StringComparison.Ordinal);
        if (suggested is not null)
        {
            Assert.Contains($"Did you mean '{suggested}'?", result.ErrorLines[0], StringComparison.Ordinal);
        }

        Assert.Single(result.ErrorLines, line => line.Contains(given, StringComparison.Ordinal));
        Assert.EndsWith("--help' for usage.", result.ErrorLines[^1], StringComparison.Ordinal);
        Assert.False(File.Exists(_sandbox.PathOf(given)), $"a file named {given} was written");
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task An_argument_starting_with_a_dash_after_double_dash_is_a_plain_argument()
    {
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            await engine.SaveAsync("k.txt", "content"u8.ToArray());
        }

        var result = await _sandbox.Cli.RunAsync("get", "k.txt", "--", "--out.txt");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("content", File.ReadAllText(_sandbox.PathOf("--out.txt")));
    }

    [Fact]
    public async Task A_lone_dash_still_means_standard_output()
    {
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            await engine.SaveAsync("k.txt", "content"u8.ToArray());
        }

        var result = await _sandbox.Cli.RunAsync("get", "k.txt", "-");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("content", result.StandardOutputText);
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace_after_the_one_line_error()
    {
        var quiet = await _sandbox.Cli.RunAsync("stat", "missing.txt");
        var verbose = await _sandbox.Cli.RunAsync("stat", "missing.txt", "-v");

        Assert.Single(quiet.ErrorLines);
        Assert.Equal(quiet.ErrorLines[0], verbose.ErrorLines[0]);
        Assert.Contains(verbose.ErrorLines, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.Equal(3, verbose.ExitCode);
    }

    [Fact]
    public async Task Json_errors_carry_kind_exit_code_key_provider_and_operation_and_detail_only_with_verbose()
    {
        var plain = await _sandbox.Cli.RunAsync("get", "missing.txt", "--json");
        var verbose = await _sandbox.Cli.RunAsync("get", "missing.txt", "--json", "--verbose");

        var error = plain.ErrorJson().GetProperty("error");
        Assert.Equal("NotFound", error.GetProperty("kind").GetString());
        Assert.Equal(3, error.GetProperty("exitCode").GetInt32());
        Assert.Equal("missing.txt", error.GetProperty("key").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("provider").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("operation").GetString()));
        Assert.False(error.TryGetProperty("detail", out _));
        Assert.Single(plain.ErrorLines);
        Assert.Contains("StorageException", verbose.ErrorJson().GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_line_failure_in_json_has_its_own_kind_and_no_key()
    {
        var result = await _sandbox.Cli.RunAsync("cp", "a", "a", "--json");

        var error = result.ErrorJson().GetProperty("error");
        Assert.Equal("Usage", error.GetProperty("kind").GetString());
        Assert.Equal(2, error.GetProperty("exitCode").GetInt32());
        Assert.False(error.TryGetProperty("key", out _));
    }

    [Fact]
    public async Task A_cancelled_command_exits_130_saying_nothing_further_was_done()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var text = await _sandbox.Cli.RunAsync(new CliConsole(), cancelled.Token, "ls");
        var json = await _sandbox.Cli.RunAsync(new CliConsole(), cancelled.Token, "ls", "--json");

        Assert.Equal(130, text.ExitCode);
        Assert.Equal("error: Cancelled; nothing further was done (an interrupted migrate resumes where it stopped when run again).", text.Error.TrimEnd());
        Assert.Equal(130, json.ExitCode);
        Assert.Equal("Cancelled", json.ErrorJson().GetProperty("error").GetProperty("kind").GetString());
    }

    [Theory]
    [InlineData("put", "k.txt", "")]
    [InlineData("get", "k.txt", "")]
    [InlineData("cloud", "keys", "create", "--tenant", "t/", "--keys", "")]
    [InlineData("migrate", "--from", "local", "--to", "archive", "--checkpoint", "")]
    [InlineData("serve", "--upload-dir", "", "--urls", "http://127.0.0.1:0")]
    public async Task An_empty_path_is_a_usage_error_and_writes_nothing(params string[] arguments)
    {
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            await engine.SaveAsync("k.txt", "content"u8.ToArray());
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var result = await _sandbox.Cli.RunAsync(new CliConsole(), stop.Token, arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: An empty path was given where a file or folder is needed; name one.", result.Error.TrimEnd());
        Assert.False(File.Exists(_sandbox.Directory + ".atomiton-partial"), "get wrote a partial file next to the working folder");
        Assert.False(File.Exists(_sandbox.PathOf("cloud-keys.json")));
        Assert.False(Directory.Exists(_sandbox.PathOf(".atomiton-migrate")));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1:0")]
    [InlineData("/relative/path")]
    public async Task Serve_refuses_an_address_that_is_not_http_before_anything_else(string url)
    {
        var result = await _sandbox.Cli.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--urls", url);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: --urls '{url}' is not an http:// or https:// address; give one such as http://127.0.0.1:8080 (port 0 picks a free port).", result.Error.TrimEnd());
    }

    public static TheoryData<Exception, int, string> Failures => new()
    {
        { new CommandLineException(ExitCodes.Conflict, "x"), 4, "Conflict" },
        { new CommandLineException("x"), 1, "Error" },
        { new CommandLineException("x", new InvalidOperationException()), 1, "Error" },
        { new CommandLineException(), 1, "Error" },
        { new CommandLineException(ExitCodes.Usage, "x"), 2, "Usage" },
        { new CommandLineException(ExitCodes.NotFound, "x"), 3, "NotFound" },
        { new CommandLineException(ExitCodes.Authentication, "x"), 5, "AuthenticationFailed" },
        { new CommandLineException(ExitCodes.Configuration, "x"), 6, "InvalidConfiguration" },
        { new StorageException(StorageErrorCode.NotFound, "x"), 3, "NotFound" },
        { new StorageException(StorageErrorCode.Conflict, "x"), 4, "Conflict" },
        { new StorageException(StorageErrorCode.AuthenticationFailed, "x"), 5, "AuthenticationFailed" },
        { new StorageException(StorageErrorCode.AccessDenied, "x"), 5, "AccessDenied" },
        { new StorageException(StorageErrorCode.InvalidConfiguration, "x"), 6, "InvalidConfiguration" },
        { new StorageException(StorageErrorCode.InvalidKey, "x"), 2, "InvalidKey" },
        { new StorageException(StorageErrorCode.InvalidArgument, "x"), 2, "InvalidArgument" },
        { new StorageException(StorageErrorCode.NetworkError, "x"), 1, "NetworkError" },
        { new OperationCanceledException(), 130, "Cancelled" },
        { new FileNotFoundException("x"), 3, "NotFound" },
        { new DirectoryNotFoundException("x"), 3, "NotFound" },
        { new UnauthorizedAccessException("x"), 5, "AuthenticationFailed" },
        { new IOException("x"), 1, "Error" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Every_failure_maps_onto_the_documented_exit_code_and_kind(Exception exception, int exitCode, string kind)
    {
        Assert.Equal(exitCode, ErrorClassifier.ExitCodeOf(exception));
        Assert.Equal(kind, ErrorClassifier.KindOf(exception));
    }
}
