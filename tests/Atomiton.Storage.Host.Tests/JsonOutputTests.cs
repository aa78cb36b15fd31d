using System.Text;
using System.Text.Json;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

public sealed class JsonOutputTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    [Fact]
    public async Task Put_stat_and_ls_print_parsable_json()
    {
        var put = await _sandbox.RunWithInputAsync(Encoding.UTF8.GetBytes("12345"), "put", "j/one.txt", "--json", "--content-type", "text/plain", "-m", "kind=test");
        var stat = await _sandbox.RunAsync("stat", "j/one.txt", "--json");
        var list = await _sandbox.RunAsync("ls", "--recursive", "--json");

        Assert.Equal(0, put.ExitCode);
        Assert.Equal("local", put.Json().GetProperty("pipeline").GetString());
        Assert.Equal(5, put.Json().GetProperty("item").GetProperty("size").GetInt64());
        Assert.Equal(0, stat.ExitCode);
        var item = stat.Json();
        Assert.Equal("j/one.txt", item.GetProperty("key").GetString());
        Assert.Equal("text/plain", item.GetProperty("contentType").GetString());
        Assert.Equal("test", item.GetProperty("metadata").GetProperty("kind").GetString());
        Assert.Equal(put.Json().GetProperty("item").GetProperty("eTag").GetString(), item.GetProperty("eTag").GetString());
        var entries = list.Json().GetProperty("entries").EnumerateArray().ToList();
        var entry = Assert.Single(entries);
        Assert.Equal("object", entry.GetProperty("type").GetString());
        Assert.Equal("j/one.txt", entry.GetProperty("item").GetProperty("key").GetString());
    }

    [Fact]
    public async Task Plugins_pipelines_info_and_validate_print_parsable_json()
    {
        var plugins = await _sandbox.RunAsync("plugins", "--json");
        var pipelines = await _sandbox.RunAsync("pipelines", "--json");
        var info = await _sandbox.RunAsync("info", "--json", "--pipeline", "mem");
        var validate = await _sandbox.RunAsync("validate", "--json");

        Assert.Contains(plugins.Json().GetProperty("providers").EnumerateArray(), p => p.GetProperty("name").GetString() == "memory" && p.GetProperty("kind").GetString() == "backend");
        Assert.Equal("local", pipelines.Json().GetProperty("defaultPipeline").GetString());
        var mem = pipelines.Json().GetProperty("pipelines").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "mem");
        var capabilities = mem.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("Read", capabilities);
        Assert.Contains("NativeMove", capabilities);
        Assert.Equal("memory", info.Json().GetProperty("info").GetProperty("engineType").GetString());
        Assert.True(validate.Json().GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Errors_with_json_are_one_json_object_on_stderr_with_kind_and_exit_code()
    {
        var result = await _sandbox.RunAsync("get", "missing.txt", "--json");

        Assert.Equal(3, result.ExitCode);
        var error = result.ErrorJson().GetProperty("error");
        Assert.Equal("NotFound", error.GetProperty("kind").GetString());
        Assert.Equal(3, error.GetProperty("exitCode").GetInt32());
        Assert.Equal("missing.txt", error.GetProperty("key").GetString());
        Assert.Equal(JsonValueKind.Undefined, error.TryGetProperty("detail", out var detail) ? detail.ValueKind : JsonValueKind.Undefined);
    }

    public void Dispose() => _sandbox.Dispose();
}
