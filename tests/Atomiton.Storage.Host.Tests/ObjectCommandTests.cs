using System.Text;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

public sealed class ObjectCommandTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    [Fact]
    public async Task Put_then_get_round_trips_a_file_with_content_type_and_metadata()
    {
        File.WriteAllText(_sandbox.PathOf("flow.json"), """{"id":"f1"}""");

        var put = await _sandbox.RunAsync("put", "flows/f1.json", "flow.json", "--metadata", "author=ada");
        var get = await _sandbox.RunAsync("get", "flows/f1.json", "copy.json");
        var stat = await _sandbox.RunAsync("stat", "flows/f1.json");

        Assert.Equal(0, put.ExitCode);
        Assert.Contains("put flows/f1.json: 11 B", put.Output, StringComparison.Ordinal);
        Assert.Equal(0, get.ExitCode);
        Assert.Equal("""{"id":"f1"}""", File.ReadAllText(_sandbox.PathOf("copy.json")));
        Assert.Equal(0, stat.ExitCode);
        Assert.Contains("application/json", stat.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^meta\.author +ada$", stat.Output);
    }

    [Fact]
    public async Task Put_from_stdin_and_get_to_stdout()
    {
        var put = await _sandbox.RunWithInputAsync(Encoding.UTF8.GetBytes("hello from stdin"), "put", "notes/a.txt", "-");
        var get = await _sandbox.RunAsync("get", "notes/a.txt");

        Assert.Equal(0, put.ExitCode);
        Assert.Equal(0, get.ExitCode);
        Assert.Equal("hello from stdin", get.Output);
    }

    [Fact]
    public async Task Ls_lists_one_level_or_everything_with_recursive_and_details_with_long()
    {
        await SeedAsync("a/one.txt", "a/two.txt", "a/sub/three.txt", "b.txt");

        var shallow = await _sandbox.RunAsync("ls", "a/");
        var recursive = await _sandbox.RunAsync("ls", "--recursive");
        var detailed = await _sandbox.RunAsync("ls", "a/", "--long");

        Assert.Equal(0, shallow.ExitCode);
        Assert.Equal(["a/one.txt", "a/sub/", "a/two.txt"], Lines(shallow.Output));
        Assert.Equal(["a/one.txt", "a/sub/three.txt", "a/two.txt", "b.txt"], Lines(recursive.Output));
        Assert.Contains(Lines(detailed.Output), line => line.Contains("a/one.txt", StringComparison.Ordinal) && line.TrimStart().StartsWith("20 ", StringComparison.Ordinal));
        Assert.Contains(Lines(detailed.Output), line => line.Contains("PRE", StringComparison.Ordinal) && line.EndsWith("a/sub/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rm_deletes_several_keys_and_a_missing_key_exits_3_unless_forced()
    {
        await SeedAsync("x/1.txt", "x/2.txt");

        var removed = await _sandbox.RunAsync("rm", "x/1.txt", "x/2.txt");
        var missing = await _sandbox.RunAsync("rm", "x/1.txt");
        var forced = await _sandbox.RunAsync("rm", "x/1.txt", "--force");
        var list = await _sandbox.RunAsync("ls", "--recursive");

        Assert.Equal(0, removed.ExitCode);
        Assert.Contains("deleted x/2.txt", removed.Output, StringComparison.Ordinal);
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("No object is stored under 'x/1.txt'", missing.Error, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        Assert.Empty(Lines(list.Output));
    }

    [Fact]
    public async Task Cp_and_mv_keep_content_within_the_pipeline()
    {
        await SeedAsync("src.txt");

        var copy = await _sandbox.RunAsync("cp", "src.txt", "copy.txt");
        var move = await _sandbox.RunAsync("mv", "copy.txt", "moved/copy.txt");
        var list = await _sandbox.RunAsync("ls", "--recursive");
        var content = await _sandbox.RunAsync("get", "moved/copy.txt");

        Assert.Equal(0, copy.ExitCode);
        Assert.Contains("copied src.txt -> copy.txt", copy.Output, StringComparison.Ordinal);
        Assert.Equal(0, move.ExitCode);
        Assert.Equal(["moved/copy.txt", "src.txt"], Lines(list.Output));
        Assert.Equal("content of src.txt", content.Output);
    }

    [Fact]
    public async Task Info_shows_the_engines_and_capabilities()
    {
        var result = await _sandbox.RunAsync("info");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("pipeline 'local'", result.Output, StringComparison.Ordinal);
        Assert.Contains("filesystem", result.Output, StringComparison.Ordinal);
        Assert.Contains("capabilities:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_of_unknown_key_exits_3_naming_the_key()
    {
        var result = await _sandbox.RunAsync("get", "nothing/here.txt");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("error: No object is stored under key 'nothing/here.txt'. Check the key, or list the prefix to see what exists.", result.Error.Trim());
    }

    [Fact]
    public async Task Stat_of_unknown_key_exits_3()
    {
        var result = await _sandbox.RunAsync("stat", "missing.txt");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("'missing.txt'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_only_put_of_existing_key_is_a_conflict_with_exit_code_4()
    {
        await SeedAsync("once.txt");
        File.WriteAllText(_sandbox.PathOf("other.txt"), "other");

        var result = await _sandbox.RunAsync("put", "once.txt", "other.txt", "--if-not-exists");
        var content = await _sandbox.RunAsync("get", "once.txt");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("'once.txt' already exists", result.Error, StringComparison.Ordinal);
        Assert.Equal("content of once.txt", content.Output);
    }

    [Fact]
    public async Task Put_with_a_stale_etag_is_a_conflict()
    {
        await SeedAsync("doc.txt");
        File.WriteAllText(_sandbox.PathOf("doc.txt"), "new");

        var result = await _sandbox.RunAsync("put", "doc.txt", "doc.txt", "--if-match", "\"stale\"");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("doc.txt", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cp_onto_an_existing_key_with_if_not_exists_is_a_conflict()
    {
        await SeedAsync("a.txt", "b.txt");

        var result = await _sandbox.RunAsync("cp", "a.txt", "b.txt", "--if-not-exists");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("'b.txt' already exists", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_key_is_a_usage_error_naming_the_rule()
    {
        var result = await _sandbox.RunAsync("stat", "/absolute");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("starts with '/'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_of_missing_file_exits_3_naming_the_file()
    {
        var result = await _sandbox.RunAsync("put", "k.txt", "no-such-file.txt");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no-such-file.txt", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_have_no_stack_trace_unless_verbose()
    {
        var quiet = await _sandbox.RunAsync("get", "missing.txt");
        var verbose = await _sandbox.RunAsync("get", "missing.txt", "--verbose");

        Assert.Single(Lines(quiet.Error));
        Assert.DoesNotContain("   at ", quiet.Error, StringComparison.Ordinal);
        Assert.Contains("   at ", verbose.Error, StringComparison.Ordinal);
        Assert.Equal(3, verbose.ExitCode);
    }

    private async Task SeedAsync(params string[] keys)
    {
        foreach (string key in keys)
        {
            var result = await _sandbox.RunWithInputAsync(Encoding.UTF8.GetBytes($"content of {key}"), "put", key);
            Assert.True(result.ExitCode == 0, result.ToString());
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public void Dispose() => _sandbox.Dispose();
}
