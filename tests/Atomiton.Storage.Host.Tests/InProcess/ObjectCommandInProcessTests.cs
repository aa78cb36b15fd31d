using System.Text;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary>put, get, ls, rm, stat, cp and mv run in the test process: their outputs, JSON shapes and documented errors.</summary>
public sealed class ObjectCommandInProcessTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    private InProcessCli Cli => _sandbox.Cli;

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Put_of_a_file_guesses_the_content_type_stores_metadata_and_says_what_it_stored()
    {
        File.WriteAllText(_sandbox.PathOf("flow.json"), """{"id":"f1"}""");

        var put = await Cli.RunAsync("put", "flows/f1.json", "flow.json", "--metadata", "author=ada", "-m", "tag=a=b");

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.Matches("""^put flows/f1\.json: 11 B, etag .+ \(pipeline 'local'\)$""", put.Output.TrimEnd());
        Assert.Equal("", put.Error);
        var item = await StatAsync("flows/f1.json");
        Assert.Equal("application/json", item.ContentType);
        Assert.Equal("ada", item.Metadata["author"]);
        Assert.Equal("a=b", item.Metadata["tag"]);
        Assert.Equal("""{"id":"f1"}""", await LoadTextAsync("flows/f1.json"));
    }

    [Fact]
    public async Task Put_from_standard_input_stores_it_without_a_content_type_unless_given()
    {
        var plain = await Cli.RunWithInputAsync("from stdin"u8.ToArray(), "put", "notes/a.txt");
        var typed = await Cli.RunWithInputAsync("typed"u8.ToArray(), "put", "notes/b", "-", "--content-type", "text/x-note");

        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(0, typed.ExitCode);
        Assert.Equal("from stdin", await LoadTextAsync("notes/a.txt"));
        Assert.Null((await StatAsync("notes/a.txt")).ContentType);
        Assert.Equal("text/x-note", (await StatAsync("notes/b")).ContentType);
    }

    [Fact]
    public async Task Put_with_json_prints_the_pipeline_and_the_stored_item()
    {
        File.WriteAllText(_sandbox.PathOf("data.csv"), "a,b\n1,2\n");

        var put = await Cli.RunAsync("put", "t/data.csv", "data.csv", "--json", "-m", "k=v");

        Assert.Equal(0, put.ExitCode);
        var json = put.Json();
        Assert.Equal("local", json.GetProperty("pipeline").GetString());
        var item = json.GetProperty("item");
        Assert.Equal("t/data.csv", item.GetProperty("key").GetString());
        Assert.Equal(8, item.GetProperty("size").GetInt64());
        Assert.Equal("text/csv", item.GetProperty("contentType").GetString());
        Assert.Equal("v", item.GetProperty("metadata").GetProperty("k").GetString());
        Assert.Equal((await StatAsync("t/data.csv")).ETag, item.GetProperty("eTag").GetString());
        Assert.True(item.TryGetProperty("created", out _) && item.TryGetProperty("updated", out _));
    }

    [Theory]
    [InlineData("author")]
    [InlineData("=ada")]
    public async Task Put_with_metadata_that_is_not_name_value_is_a_usage_error_and_stores_nothing(string pair)
    {
        var put = await Cli.RunWithInputAsync("x"u8.ToArray(), "put", "m.txt", "-m", pair);

        Assert.Equal(2, put.ExitCode);
        Assert.Equal($"error: --metadata '{pair}' is not name=value; write it as --metadata author=ada.", put.Error.TrimEnd());
        Assert.False(await ExistsAsync("m.txt"));
    }

    [Fact]
    public async Task Put_with_both_conditions_is_a_usage_error()
    {
        var put = await Cli.RunWithInputAsync("x"u8.ToArray(), "put", "c.txt", "--if-not-exists", "--if-match", "\"e\"");

        Assert.Equal(2, put.ExitCode);
        Assert.Equal("error: --if-not-exists and --if-match contradict each other; give one of them.", put.Error.TrimEnd());
        Assert.False(await ExistsAsync("c.txt"));
    }

    [Fact]
    public async Task Put_if_not_exists_creates_once_then_conflicts_with_exit_4()
    {
        var first = await Cli.RunWithInputAsync("one"u8.ToArray(), "put", "once.txt", "--if-not-exists");
        var second = await Cli.RunWithInputAsync("two"u8.ToArray(), "put", "once.txt", "--if-not-exists");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(4, second.ExitCode);
        Assert.Contains("'once.txt' already exists", second.Error, StringComparison.Ordinal);
        Assert.Equal("one", await LoadTextAsync("once.txt"));
    }

    [Fact]
    public async Task Put_if_match_replaces_with_the_current_etag_and_conflicts_with_a_stale_one()
    {
        await SeedAsync("doc.txt", "v1");
        string etag = (await StatAsync("doc.txt")).ETag;

        var replaced = await Cli.RunWithInputAsync("v2"u8.ToArray(), "put", "doc.txt", "--if-match", etag);
        var stale = await Cli.RunWithInputAsync("v3"u8.ToArray(), "put", "doc.txt", "--if-match", etag, "--json");

        Assert.Equal(0, replaced.ExitCode);
        Assert.Equal(4, stale.ExitCode);
        var error = stale.ErrorJson().GetProperty("error");
        Assert.Equal("Conflict", error.GetProperty("kind").GetString());
        Assert.Equal(4, error.GetProperty("exitCode").GetInt32());
        Assert.Equal("doc.txt", error.GetProperty("key").GetString());
        Assert.Equal("v2", await LoadTextAsync("doc.txt"));
    }

    [Fact]
    public async Task Put_of_a_missing_file_exits_3_and_an_invalid_key_exits_2()
    {
        var missing = await Cli.RunAsync("put", "k.txt", "no-such-file.txt");
        var invalid = await Cli.RunWithInputAsync("x"u8.ToArray(), "put", "a//b");

        Assert.Equal(3, missing.ExitCode);
        Assert.Equal("error: Input file 'no-such-file.txt' does not exist; name an existing file, or '-' to read standard input.", missing.Error.TrimEnd());
        Assert.Equal(2, invalid.ExitCode);
        Assert.StartsWith("error: ", invalid.Error, StringComparison.Ordinal);
        Assert.Contains("a//b", invalid.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_writes_a_file_atomically_and_says_so_or_prints_json()
    {
        await SeedAsync("flows/f.json", """{"n":1}""", "application/json");
        File.WriteAllText(_sandbox.PathOf("copy.json"), "old content that is longer");

        var text = await Cli.RunAsync("get", "flows/f.json", "copy.json");
        var json = await Cli.RunAsync("get", "flows/f.json", "out/../copy2.json", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Equal("get flows/f.json: 7 B written to copy.json", text.Output.TrimEnd());
        Assert.Equal("""{"n":1}""", File.ReadAllText(_sandbox.PathOf("copy.json")));
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(_sandbox.PathOf("copy2.json"), json.Json().GetProperty("file").GetString());
        Assert.Equal("application/json", json.Json().GetProperty("item").GetProperty("contentType").GetString());
        Assert.Empty(Directory.GetFiles(_sandbox.Directory, "*.atomiton-partial"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("-")]
    public async Task Get_without_a_file_or_with_dash_writes_the_bytes_to_standard_output(string? file)
    {
        var content = new byte[300];
        new Random(7).NextBytes(content);
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            await engine.SaveAsync("bin/blob", content);
        }

        var get = await Cli.RunAsync(file is null ? ["get", "bin/blob"] : ["get", "bin/blob", file]);

        Assert.Equal(0, get.ExitCode);
        Assert.Equal(content, get.StandardOutputBytes);
        Assert.Equal("", get.Output);
    }

    [Fact]
    public async Task Get_of_a_missing_key_exits_3_and_leaves_no_file()
    {
        var get = await Cli.RunAsync("get", "nothing/here.txt", "out.txt");

        Assert.Equal(3, get.ExitCode);
        Assert.Equal("error: No object is stored under key 'nothing/here.txt'. Check the key, or list the prefix to see what exists.", get.Error.TrimEnd());
        Assert.False(File.Exists(_sandbox.PathOf("out.txt")));
        Assert.False(File.Exists(_sandbox.PathOf("out.txt.atomiton-partial")));
    }

    [Fact]
    public async Task Ls_lists_one_level_every_key_with_recursive_and_details_with_long()
    {
        await SeedAsync("a/one.txt", "1", "text/plain");
        await SeedAsync("a/sub/two.bin", "22");
        await SeedAsync("b.txt", "333");

        var shallow = await Cli.RunAsync("ls", "a/");
        var everything = await Cli.RunAsync("ls", "-r");
        var detailed = await Cli.RunAsync("ls", "a/", "--long");

        Assert.Equal(["a/one.txt", "a/sub/"], shallow.OutputLines);
        Assert.Equal(["a/one.txt", "a/sub/two.bin", "b.txt"], everything.OutputLines);
        var one = await StatAsync("a/one.txt");
        string etag = one.ETag.Length > 18 ? one.ETag[..17] + "…" : one.ETag;
        Assert.Equal(
            [
                $"{"1",12}  {one.Updated.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  {etag,-18}  a/one.txt  (text/plain)",
                $"{"PRE",12}  {"",20}  {"",-18}  a/sub/",
            ],
            detailed.OutputLines);
    }

    [Fact]
    public async Task Ls_of_one_level_on_an_engine_that_lists_only_whole_trees_folds_its_listing_into_objects_and_folders()
    {
        await SeedAsync("a/one.txt", "1");
        await SeedAsync("a/sub/two.bin", "22");
        await SeedAsync("a/sub/deeper/three.bin", "333");
        await SeedAsync("a/zed/four.bin", "4444");
        await SeedAsync("b.txt", "5");
        var treesOnly = Cli with { DecoratePipelines = source => new DecoratedPipelineSource(source, (_, engine) => new TreeListingOnlyEngine(engine)) };

        var shallow = await treesOnly.RunAsync("ls", "a/");
        var top = await treesOnly.RunAsync("ls");
        var json = await treesOnly.RunAsync("ls", "a/", "--json");

        Assert.True(shallow.ExitCode == 0, shallow.ToString());
        Assert.Equal(["a/one.txt", "a/sub/", "a/zed/"], shallow.OutputLines);
        Assert.Equal(["a/", "b.txt"], top.OutputLines);
        Assert.False(json.Json().GetProperty("recursive").GetBoolean());
        Assert.Equal(["object", "prefix", "prefix"], json.Json().GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Put_of_a_file_on_an_engine_without_content_types_stores_it_without_a_guessed_one_but_refuses_an_explicit_one()
    {
        File.WriteAllText(_sandbox.PathOf("flow.json"), """{"id":"f1"}""");
        var untyped = Cli with { DecoratePipelines = source => new DecoratedPipelineSource(source, (_, engine) => new NoContentTypeEngine(engine)) };

        var guessed = await untyped.RunAsync("put", "flows/f1.json", "flow.json");
        var explicitType = await untyped.RunAsync("put", "flows/f2.json", "flow.json", "--content-type", "application/json");

        Assert.True(guessed.ExitCode == 0, guessed.ToString());
        Assert.Null((await StatAsync("flows/f1.json")).ContentType);
        Assert.NotEqual(0, explicitType.ExitCode);
        Assert.Contains("content types", explicitType.Error, StringComparison.Ordinal);
    }

    /// <summary>An engine without <see cref="StorageCapabilities.ContentType"/>, as Dropbox's.</summary>
    private sealed class NoContentTypeEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "untyped";

        public override StorageCapabilities Capabilities => base.Capabilities & ~StorageCapabilities.ContentType;
    }

    /// <summary>An engine without <see cref="StorageCapabilities.ShallowList"/>, as Google Drive's (full keys as names in one folder).</summary>
    private sealed class TreeListingOnlyEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "trees-only";

        public override StorageCapabilities Capabilities => base.Capabilities & ~StorageCapabilities.ShallowList;
    }

    [Fact]
    public async Task Ls_with_json_prints_objects_and_prefixes()
    {
        await SeedAsync("a/one.txt", "1");
        await SeedAsync("a/sub/two.txt", "2");

        var list = await Cli.RunAsync("ls", "a/", "--json");

        Assert.Equal(0, list.ExitCode);
        var json = list.Json();
        Assert.Equal("a/", json.GetProperty("prefix").GetString());
        Assert.False(json.GetProperty("recursive").GetBoolean());
        var entries = json.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal("object", entries[0].GetProperty("type").GetString());
        Assert.Equal("a/one.txt", entries[0].GetProperty("item").GetProperty("key").GetString());
        Assert.Equal(1, entries[0].GetProperty("item").GetProperty("size").GetInt64());
        Assert.Equal("prefix", entries[1].GetProperty("type").GetString());
        Assert.Equal("a/sub/", entries[1].GetProperty("key").GetString());
    }

    [Fact]
    public async Task Rm_deletes_what_exists_and_exits_3_naming_every_missing_key_unless_forced()
    {
        await SeedAsync("x/1.txt", "1");
        await SeedAsync("x/2.txt", "2");

        var partly = await Cli.RunAsync("rm", "x/1.txt", "x/nope-a", "x/nope-b");
        var one = await Cli.RunAsync("rm", "x/nope-a");
        var forced = await Cli.RunAsync("rm", "x/2.txt", "x/nope-a", "--force", "--json");

        Assert.Equal(3, partly.ExitCode);
        Assert.Equal(["deleted x/1.txt", "not found x/nope-a", "not found x/nope-b"], partly.OutputLines);
        Assert.Equal("error: No object is stored under 'x/nope-a', 'x/nope-b'; nothing was deleted for them. Check the key with 'ls', or pass --force to ignore missing keys.", partly.Error.TrimEnd());
        Assert.Equal("error: No object is stored under 'x/nope-a'; nothing was deleted for it. Check the key with 'ls', or pass --force to ignore missing keys.", one.Error.TrimEnd());
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(["x/2.txt"], forced.Json().GetProperty("deleted").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["x/nope-a"], forced.Json().GetProperty("missing").EnumerateArray().Select(e => e.GetString()));
        Assert.False(await ExistsAsync("x/1.txt"));
        Assert.False(await ExistsAsync("x/2.txt"));
    }

    [Fact]
    public async Task Rm_if_match_deletes_only_an_unchanged_object()
    {
        await SeedAsync("doc.txt", "v1");
        string etag = (await StatAsync("doc.txt")).ETag;

        var stale = await Cli.RunAsync("rm", "doc.txt", "--if-match", "\"not-the-etag\"");
        var kept = await ExistsAsync("doc.txt");
        var current = await Cli.RunAsync("rm", "doc.txt", "--if-match", etag);

        Assert.Equal(4, stale.ExitCode);
        Assert.True(kept);
        Assert.Equal(0, current.ExitCode);
        Assert.False(await ExistsAsync("doc.txt"));
    }

    [Fact]
    public async Task Rm_validates_every_key_before_deleting_any()
    {
        await SeedAsync("keep.txt", "k");

        var result = await Cli.RunAsync("rm", "keep.txt", "/absolute");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.True(await ExistsAsync("keep.txt"));
    }

    [Fact]
    public async Task Stat_prints_a_table_with_metadata_or_the_item_as_json()
    {
        await SeedAsync("s.txt", "hello", "text/plain", ("b", "2"), ("a", "1"));
        await SeedAsync("plain", "x");
        var item = await StatAsync("s.txt");

        var table = await Cli.RunAsync("stat", "s.txt");
        var untyped = await Cli.RunAsync("stat", "plain");
        var json = await Cli.RunAsync("stat", "s.txt", "--json");

        Assert.Equal(0, table.ExitCode);
        Assert.Equal(
            [
                "key           s.txt",
                "size          5",
                $"etag          {item.ETag}",
                $"created       {item.Created:O}",
                $"updated       {item.Updated:O}",
                "content-type  text/plain",
                "meta.a        1",
                "meta.b        2",
            ],
            table.OutputLines);
        Assert.Contains("content-type  (none)", untyped.OutputLines);
        Assert.Equal("s.txt", json.Json().GetProperty("key").GetString());
        Assert.Equal(item.ETag, json.Json().GetProperty("eTag").GetString());
        Assert.Equal("1", json.Json().GetProperty("metadata").GetProperty("a").GetString());
    }

    [Fact]
    public async Task Stat_of_a_missing_key_exits_3_and_of_an_invalid_key_exits_2()
    {
        var missing = await Cli.RunAsync("stat", "missing.txt");
        var invalid = await Cli.RunAsync("stat", "a/../b", "--json");

        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("'missing.txt'", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Equal("InvalidKey", invalid.ErrorJson().GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Cp_and_mv_keep_content_type_and_metadata_and_print_text_or_json()
    {
        await SeedAsync("src.txt", "content", "text/plain", ("author", "ada"));

        var copy = await Cli.RunAsync("cp", "src.txt", "copy.txt");
        var move = await Cli.RunAsync("mv", "copy.txt", "moved/copy.txt", "--json");

        Assert.Equal(0, copy.ExitCode);
        Assert.Matches("""^copied src\.txt -> copy\.txt \(etag .+\)$""", copy.Output.TrimEnd());
        Assert.Equal(0, move.ExitCode);
        Assert.Equal("copy.txt", move.Json().GetProperty("source").GetString());
        Assert.Equal("moved/copy.txt", move.Json().GetProperty("item").GetProperty("key").GetString());
        Assert.False(await ExistsAsync("copy.txt"));
        var moved = await StatAsync("moved/copy.txt");
        Assert.Equal("text/plain", moved.ContentType);
        Assert.Equal("ada", moved.Metadata["author"]);
        Assert.Equal("content", await LoadTextAsync("moved/copy.txt"));
    }

    [Fact]
    public async Task Mv_prints_moved_and_refuses_an_existing_destination_with_if_not_exists()
    {
        await SeedAsync("a.txt", "a");
        await SeedAsync("b.txt", "b");

        var refused = await Cli.RunAsync("mv", "a.txt", "b.txt", "--if-not-exists");
        var moved = await Cli.RunAsync("mv", "a.txt", "c.txt");

        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("'b.txt' already exists", refused.Error, StringComparison.Ordinal);
        Assert.Equal("b", await LoadTextAsync("b.txt"));
        Assert.Equal(0, moved.ExitCode);
        Assert.StartsWith("moved a.txt -> c.txt (etag ", moved.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cp_onto_itself_is_a_usage_error_and_of_a_missing_source_exits_3()
    {
        var same = await Cli.RunAsync("cp", "a.txt", "a.txt");
        var missing = await Cli.RunAsync("cp", "nope.txt", "b.txt");

        Assert.Equal(2, same.ExitCode);
        Assert.Equal("error: Source and destination are both 'a.txt'; give a different destination key.", same.Error.TrimEnd());
        Assert.Equal(3, missing.ExitCode);
    }

    private async Task SeedAsync(string key, string content, string? contentType = null, params (string Name, string Value)[] metadata)
    {
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            await engine.SaveAsync(key, Encoding.UTF8.GetBytes(content), new SaveOptions
            {
                ContentType = contentType,
                Metadata = metadata.Length == 0 ? null : metadata.ToDictionary(m => m.Name, m => m.Value),
            });
        }
    }

    private async Task<StorageItem> StatAsync(string key)
    {
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            return await engine.StatAsync(key);
        }
    }

    private async Task<bool> ExistsAsync(string key)
    {
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            return await engine.ExistsAsync(key);
        }
    }

    private async Task<string> LoadTextAsync(string key)
    {
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            return Encoding.UTF8.GetString(await engine.LoadBytesAsync(key));
        }
    }
}
