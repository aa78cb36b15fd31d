using System.Text.Json.Nodes;
using Atomiton.Storage.Hosting.Tests.Support;
using Json.Schema;

namespace Atomiton.Storage.Hosting.Tests.Configuration;

/// <summary>The repository's plugins.json against plugins.schema.json, and the schema against common mistakes.</summary>
public sealed class PluginsJsonSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(Paths.RepositoryRoot, "plugins.schema.json"));

    [Fact]
    public void Repository_plugins_json_is_valid_against_the_schema()
    {
        var result = Evaluate(File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "plugins.json")));

        Assert.True(result.IsValid, Describe(result));
    }

    [Theory]
    [InlineData("literal secret", """{ "pipelines": { "p": { "chain": ["v", "memory"] } }, "stages": { "v": { "type": "encrypted", "options": { "key": "hunter2" } } } }""")]
    [InlineData("stage without type", """{ "pipelines": { "p": { "chain": ["s"] } }, "stages": { "s": { "options": {} } } }""")]
    [InlineData("empty chain", """{ "pipelines": { "p": { "chain": [] } } }""")]
    [InlineData("upper-case type", """{ "pipelines": { "p": { "chain": ["s"] } }, "stages": { "s": { "type": "Memory" } } }""")]
    [InlineData("unknown memory option", """{ "pipelines": { "p": { "chain": ["s"] } }, "stages": { "s": { "type": "memory", "options": { "maxBites": 1 } } } }""")]
    [InlineData("negative memory limit", """{ "pipelines": { "p": { "chain": ["s"] } }, "stages": { "s": { "type": "memory", "options": { "maxItems": -1 } } } }""")]
    [InlineData("bad duration", """{ "pipelines": { "p": { "chain": ["c", "memory"] } }, "stages": { "c": { "type": "cached", "options": { "ttl": "five minutes" } } } }""")]
    [InlineData("misspelt top-level key", """{ "pipeline": { "p": { "chain": ["memory"] } } }""")]
    public void Schema_rejects_common_mistakes(string mistake, string json)
    {
        var result = Evaluate(json);

        Assert.False(result.IsValid, mistake);
    }

    [Fact]
    public async Task Repository_memory_pipeline_builds_from_plugins_json_with_no_secret_set()
    {
        using var host = StorageHost.Load(Path.Combine(Paths.RepositoryRoot, "plugins.json"));

        await using var engine = await host.BuildPipelineAsync("memory");
        await engine.SaveAsync("k", "v"u8.ToArray());

        Assert.Equal("v"u8.ToArray(), await engine.LoadBytesAsync("k"));
        Assert.Equal("local", host.DefaultPipeline);
        Assert.Equal(["local", "memory", "secure"], host.PipelineNames);
        Assert.DoesNotContain(host.ValidateForStartup(), p => p.IsMissingSecret);
    }

    private static EvaluationResults Evaluate(string json) =>
        Schema.Evaluate(JsonNode.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Describe(EvaluationResults result) =>
        string.Join(Environment.NewLine, (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));
}
