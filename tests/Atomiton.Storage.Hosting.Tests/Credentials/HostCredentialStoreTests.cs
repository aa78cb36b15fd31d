using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Hosting.Tests.Support;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Credentials;

/// <summary>Which store a stage gets: the user's credential folder, or the pipeline named by "credentials".</summary>
public sealed class HostCredentialStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private StorageHost Host(string json)
    {
        string file = _temp.Combine("plugins.json");
        File.WriteAllText(file, json);
        var options = new StorageHostOptions
        {
            ConfigurationFile = file,
            CredentialFolder = _temp.Combine("user", "credentials"),
            CredentialKeyFile = _temp.Combine("user", "credentials.key"),
        };
        options.BuiltInAssemblies.Add(TestHosts.TestAssembly);
        return StorageHost.Create(options);
    }

    [Fact]
    public async Task Every_stage_receives_its_own_credential_store_in_the_folder_by_default()
    {
        string tag = Guid.NewGuid().ToString("N");
        using var host = Host($$"""{ "stages": { "s": { "type": "probe", "options": { "tag": "{{tag}}" } } }, "pipelines": { "p": { "chain": ["s"] } } }""");
        await using var engine = await host.BuildPipelineAsync("p");

        var store = ProbeEngine.Built[tag].Context.Credentials;
        Assert.NotNull(store);
        await store.WriteAsync("token", "t-1", null);

        Assert.Equal("t-1", (await host.GetCredentialStore("p", "s").ReadAsync("token"))!.Value);
        Assert.True(File.Exists(_temp.Combine("user", "credentials", "p", "s.credentials")));
        Assert.Null(ProbeEngine.Built[tag].Context.AuthorizationPrompt);
    }

    [Fact]
    public async Task Credential_pipeline_keeps_tokens_as_objects_with_etag_compare_and_swap()
    {
        using var host = Host("""
            { "credentials": "secure",
              "stages": { "vault": { "type": "memory" }, "s": { "type": "probe" } },
              "pipelines": { "secure": { "chain": ["vault"] }, "p": { "chain": ["s"] } } }
            """);
        var store = host.GetCredentialStore("p", "s");

        var first = await store.WriteAsync("token", "t-1", null);
        var second = await store.WriteAsync("token", "t-2", first.Version);
        var error = await Assert.ThrowsAsync<StorageException>(async () => await store.WriteAsync("token", "t-3", first.Version));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        Assert.DoesNotContain("t-", error.Message, StringComparison.Ordinal);
        Assert.Equal("t-2", (await host.GetCredentialStore("p", "s").ReadAsync("token"))!.Value);
        Assert.Equal(second.Version, (await store.ReadAsync("token"))!.Version);
        Assert.True(await store.DeleteAsync("token"));
        Assert.Null(await store.ReadAsync("token"));
        Assert.False(Directory.Exists(_temp.Combine("user", "credentials")));
    }

    [Fact]
    public async Task Undeclared_credential_pipeline_fails_every_build_naming_the_json_path()
    {
        using var host = Host("""{ "credentials": "vault", "stages": { "s": { "type": "probe" } }, "pipelines": { "p": { "chain": ["s"] } } }""");

        var error = await Assert.ThrowsAsync<StorageException>(async () => await host.BuildPipelineAsync("p"));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("$.credentials", error.Message, StringComparison.Ordinal);
        Assert.Contains("the credential pipeline 'vault' is not declared under pipelines (declared: p)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credential_pipeline_without_conditional_writes_is_refused_on_first_use()
    {
        using var host = Host("""
            { "credentials": "secure",
              "stages": { "vault": { "type": "probe" }, "s": { "type": "probe" } },
              "pipelines": { "secure": { "chain": ["vault"] }, "p": { "chain": ["s"] } } }
            """);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await host.GetCredentialStore("p", "s").ReadAsync("token"));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("$.credentials: pipeline 'secure' cannot keep credentials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credential_pipelines_own_stages_use_the_folder()
    {
        string tag = Guid.NewGuid().ToString("N");
        using var host = Host($$"""
            { "credentials": "secure",
              "stages": { "vault": { "type": "probe", "options": { "tag": "{{tag}}" } } },
              "pipelines": { "secure": { "chain": ["vault"] } } }
            """);
        await using var engine = await host.BuildPipelineAsync("secure");

        await ProbeEngine.Built[tag].Context.Credentials!.WriteAsync("token", "x", null);

        Assert.True(File.Exists(_temp.Combine("user", "credentials", "secure", "vault.credentials")));
    }
}
