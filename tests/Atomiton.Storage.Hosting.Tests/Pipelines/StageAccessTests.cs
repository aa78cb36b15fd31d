using Atomiton.Storage.Hosting.Tests.Support;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Pipelines;

/// <summary>StorageHost.GetStages/GetStage: one stage's provider, validated options and context, without building anything.</summary>
public sealed class StageAccessTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private StorageHost Host(string json, IStorageAuthorizationPrompt? prompt = null)
    {
        string file = _temp.Combine("plugins.json");
        File.WriteAllText(file, json);
        var options = new StorageHostOptions
        {
            ConfigurationFile = file,
            CredentialFolder = _temp.Combine("user", "credentials"),
            CredentialKeyFile = _temp.Combine("user", "credentials.key"),
            AuthorizationPrompt = prompt,
        };
        options.BuiltInAssemblies.Add(TestHosts.TestAssembly);
        return StorageHost.Create(options);
    }

    private readonly string _tag = Guid.NewGuid().ToString("N");

    private string TwoStages => $$"""
        { "stages": { "outer": { "type": "probe-wrapper" }, "inner": { "type": "probe", "options": { "tag": "{{_tag}}" } } },
          "pipelines": { "Photos": { "chain": ["outer", "inner"] } } }
        """;

    [Fact]
    public async Task Stages_come_outermost_first_with_bound_options_and_the_stage_credential_store_and_nothing_is_built()
    {
        using var host = Host(TwoStages);

        var stages = host.GetStages("photos");

        Assert.Equal(["outer", "inner"], stages.Select(s => s.StageName));
        var inner = stages[1];
        Assert.Equal("Photos", inner.PipelineName);
        Assert.Equal("probe", inner.ProviderName);
        Assert.IsType<Providers.ProbeOptions>(inner.Options);
        Assert.Equal(_tag, ((Providers.ProbeOptions)inner.Options).Tag);
        Assert.Null(inner.Context.Inner);
        Assert.Null(inner.Context.AuthorizationPrompt);
        Assert.Null(inner.SignIn);
        Assert.False(Providers.ProbeEngine.Built.ContainsKey(_tag));
        await inner.Context.Credentials!.WriteAsync("token", "t-1", null);
        Assert.Equal("t-1", (await host.GetCredentialStore("Photos", "inner").ReadAsync("token"))!.Value);
        Assert.Equal("stage 'inner' (probe) of pipeline 'Photos'", inner.ToString());
    }

    [Fact]
    public void The_prompt_given_is_the_one_the_context_carries_else_the_host_default()
    {
        var fallback = new NoPrompt();
        var given = new NoPrompt();
        using var host = Host(TwoStages, fallback);

        Assert.Same(fallback, host.GetStage("Photos", "INNER").Context.AuthorizationPrompt);
        Assert.Same(given, host.GetStage("Photos", "inner", given).Context.AuthorizationPrompt);
    }

    [Fact]
    public void Unknown_pipeline_or_stage_is_NotFound_naming_what_is_declared()
    {
        using var host = Host(TwoStages);

        var pipeline = Assert.Throws<StorageException>(() => host.GetStages("albums"));
        var stage = Assert.Throws<StorageException>(() => host.GetStage("Photos", "middle"));

        Assert.Equal(StorageErrorCode.NotFound, pipeline.Code);
        Assert.Contains("pipeline 'albums' is not declared. Declared pipelines: Photos.", pipeline.Message, StringComparison.Ordinal);
        Assert.Equal(StorageErrorCode.NotFound, stage.Code);
        Assert.Contains("pipeline 'Photos' has no stage 'middle'. Its stages: inner, outer.", stage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pipeline_that_cannot_be_built_is_InvalidConfiguration_naming_the_stage()
    {
        using var host = Host("""{ "stages": { "s": { "type": "nope" } }, "pipelines": { "p": { "chain": ["s"] } } }""");

        var error = Assert.Throws<StorageException>(() => host.GetStages("p"));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("unknown provider type 'nope'", error.Message, StringComparison.Ordinal);
    }

    private sealed class NoPrompt : IStorageAuthorizationPrompt
    {
        public ValueTask ShowDeviceCodeAsync(Uri verificationUri, string userCode, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<Uri> AuthorizeInBrowserAsync(Func<Uri, Uri> authorizationUriFor, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<string> AskForCodeAsync(Uri authorizationUri, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
