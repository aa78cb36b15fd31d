using Atomiton.Storage.Hosting.DependencyInjection;
using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Hosting.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atomiton.Storage.Hosting.Tests.DependencyInjection;

public sealed class ServiceCollectionTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _variable = "ATOMITON_TEST_KEY_" + Guid.NewGuid().ToString("N");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        _temp.Dispose();
    }

    [Fact]
    public async Task Two_pipelines_resolve_by_name_and_the_default_as_the_plain_engine()
    {
        Environment.SetEnvironmentVariable(_variable, "k");
        await using var services = Build(Json());

        var consumer = ActivatorUtilities.CreateInstance<PipelineConsumer>(services);
        var local = Assert.IsType<ProbeEngine>(consumer.Local.Bare());
        var secure = Assert.IsType<ProbeWrapperEngine>(consumer.Secure.Bare());

        Assert.Equal("local", local.Context.PipelineName);
        Assert.Equal("k", Assert.IsType<ProbeEngine>(secure.Inner.Bare()).Options.ApiKey);
        Assert.Same(local, services.GetRequiredService<IStorageEngine>().Bare());
        Assert.Same(secure, services.GetRequiredService<IStoragePipelineFactory>().GetPipeline("secure").Bare());
        Assert.Equal(["local", "secure"], services.GetRequiredService<IStoragePipelineFactory>().PipelineNames);
    }

    [Fact]
    public async Task Engines_are_disposed_with_the_container_and_created_ones_belong_to_the_caller()
    {
        var services = Build(Json());
        var shared = Assert.IsType<ProbeEngine>(services.GetRequiredService<IStorageEngine>().Bare());
        await using var own = (ProbeEngine)(await services.GetRequiredService<IStoragePipelineFactory>().CreatePipelineAsync("local")).Bare();

        await services.DisposeAsync();

        Assert.NotSame(shared, own);
        Assert.True(shared.Disposed);
        Assert.False(own.Disposed);
    }

    [Fact]
    public async Task Configuration_errors_surface_at_start_up_naming_file_path_pipeline_stage_and_option()
    {
        await using var services = Build(Json().Replace("\"size\": 5", "\"size\": 500", StringComparison.Ordinal));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
            $"{_temp.Combine("plugins.json")}: $.stages.disk.options.size (pipeline 'local', stage 'disk', option 'size'): The field Size must be between 1 and 100.",
            Assert.Single(error.Failures));
    }

    [Fact]
    public async Task Start_up_does_not_need_the_secrets_of_pipelines_other_than_the_default()
    {
        await using var services = Build(Json());

        services.GetRequiredService<IStartupValidator>().Validate();
        Assert.IsType<ProbeEngine>(services.GetRequiredService<IStorageEngine>().Bare());
        var error = Assert.Throws<StorageException>(() => services.GetRequiredKeyedService<IStorageEngine>("secure"));
        Assert.Contains($"the environment variable '{_variable}' is not set.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_pipeline_name_lists_the_declared_ones()
    {
        await using var services = Build(Json());

        var error = Assert.Throws<StorageException>(() => services.GetRequiredService<IStoragePipelineFactory>().GetPipeline("cloud"));

        Assert.Equal($"{_temp.Combine("plugins.json")}: $.pipelines (pipeline 'cloud'): pipeline 'cloud' is not declared. Declared pipelines: local, secure.", error.Message);
    }

    [Fact]
    public async Task Registering_from_a_file_path_names_the_file_and_resolves_paths_against_its_folder()
    {
        Directory.CreateDirectory(_temp.Combine("config"));
        string file = _temp.Combine("config", "storage.json");
        File.WriteAllText(file, """
            { "defaultPipeline": "local",
              "stages": { "disk": { "type": "probe", "options": { "root": "data", "size": 500 } } },
              "pipelines": { "local": { "chain": ["disk"] } } }
            """);
        var services = new ServiceCollection();
        services.AddAtomitonStorage(file, options =>
        {
            options.BuiltInAssemblies.Clear();
            options.BuiltInAssemblies.Add(TestHosts.TestAssembly);
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
            $"{file}: $.stages.disk.options.size (pipeline 'local', stage 'disk', option 'size'): The field Size must be between 1 and 100.",
            Assert.Single(error.Failures));
        Assert.Equal(_temp.Combine("config"), provider.GetRequiredService<StorageHost>().Configuration.BaseDirectory);
    }

    [Fact]
    public async Task Registering_from_a_file_path_builds_the_pipelines_declared_there()
    {
        string file = _temp.Combine("storage.json");
        File.WriteAllText(file, """{ "defaultPipeline": "local", "stages": { "disk": { "type": "probe", "options": { "root": "data" } } }, "pipelines": { "local": { "chain": ["disk"] } } }""");
        var services = new ServiceCollection();
        services.AddAtomitonStorage(file, options =>
        {
            options.BuiltInAssemblies.Clear();
            options.BuiltInAssemblies.Add(TestHosts.TestAssembly);
        });
        await using var provider = services.BuildServiceProvider();

        var engine = Assert.IsType<ProbeEngine>(provider.GetRequiredService<IStorageEngine>().Bare());

        Assert.Equal(_temp.Combine("data"), engine.Options.Root);
        Assert.Equal("local", provider.GetRequiredService<IStoragePipelineFactory>().DefaultPipeline);
    }

    [Fact]
    public void Registering_a_missing_file_fails_at_once_naming_the_resolved_path()
    {
        string file = _temp.Combine("missing.json");

        var error = Assert.Throws<StorageException>(() => new ServiceCollection().AddAtomitonStorage(file));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Equal($"The configuration file '{file}' (resolved to '{file}') does not exist. Create it (see docs/plugins-json.md) or pass the right path.", error.Message);
    }

    [Fact]
    public async Task Registering_twice_registers_once_and_reports_each_problem_once()
    {
        string file = _temp.Combine("plugins.json");
        File.WriteAllText(file, Json().Replace("\"size\": 5", "\"size\": 500", StringComparison.Ordinal));
        var configuration = new ConfigurationBuilder().AddJsonFile(file).Build();
        var services = new ServiceCollection();
        for (int i = 0; i < 2; i++)
        {
            services.AddAtomitonStorage(configuration, options =>
            {
                options.BuiltInAssemblies.Clear();
                options.BuiltInAssemblies.Add(TestHosts.TestAssembly);
            });
        }

        await using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(StorageHost));
        Assert.Single(services, d => d.ServiceType == typeof(IStorageEngine) && !d.IsKeyedService);
        Assert.Single(services, d => d.ServiceType == typeof(IStorageEngine) && d.IsKeyedService && Equals(d.ServiceKey, "local"));
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Single(error.Failures);
    }

    [Fact]
    public async Task Engines_resolved_twice_are_one_instance_until_the_container_is_disposed()
    {
        var services = Build(Json());
        var first = services.GetRequiredKeyedService<IStorageEngine>("local");
        var second = services.GetRequiredService<IStoragePipelineFactory>().GetPipeline("LOCAL");

        Assert.Same(first, second);
        Assert.Same(first, services.GetRequiredService<IStorageEngine>());
        await services.DisposeAsync();

        Assert.True(((ProbeEngine)first.Bare()).Disposed);
        Assert.Throws<ObjectDisposedException>(() => services.GetRequiredKeyedService<IStorageEngine>("local"));
    }

    [Fact]
    public async Task Without_a_default_pipeline_the_plain_engine_is_not_registered()
    {
        await using var services = Build(Json().Replace("\"defaultPipeline\": \"local\",", "", StringComparison.Ordinal));

        Assert.Null(services.GetService<IStorageEngine>());
        Assert.Null(services.GetRequiredService<IStoragePipelineFactory>().DefaultPipeline);
        Assert.IsType<ProbeEngine>(services.GetRequiredKeyedService<IStorageEngine>("local").Bare());
    }

    private string Json() => $$"""
        {
          "defaultPipeline": "local",
          "stages": {
            "disk": { "type": "probe", "options": { "size": 5 } },
            "keyed": { "type": "probe", "options": { "apiKey": "env:{{_variable}}" } }
          },
          "pipelines": {
            "local": { "chain": ["disk"] },
            "secure": { "chain": ["probe-wrapper", "keyed"] }
          }
        }
        """;

    private ServiceProvider Build(string json)
    {
        string file = _temp.Combine("plugins.json");
        File.WriteAllText(file, json);
        var configuration = new ConfigurationBuilder().AddJsonFile(file).Build();
        var services = new ServiceCollection();
        services.AddAtomitonStorage(configuration, options =>
        {
            options.BuiltInAssemblies.Clear();
            options.BuiltInAssemblies.Add(TestHosts.TestAssembly);
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
