using Atomiton.Storage.Hosting.Catalogue;
using Atomiton.Storage.Hosting.Defaults;
using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Hosting.Tests.Support;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Defaults;

public sealed class StorageFactoryTests
{
    [Fact]
    public async Task Explicit_engine_wins()
    {
        await using var explicitEngine = new ProbeEngine(new ProbeOptions(), new StorageProviderContext { PipelineName = "app", StageName = "app" });

        var engine = await StorageFactory.CreateStorageAsync(new StorageFactoryOptions { Engine = explicitEngine, IsBrowser = true });

        Assert.Same(explicitEngine, engine);
    }

    [Fact]
    public async Task Desktop_without_the_filesystem_plugin_falls_back_to_memory()
    {
        using var temp = new TempDirectory();
        var options = new StorageFactoryOptions { IsBrowser = false };
        options.PluginDirectories.Clear();
        options.PluginDirectories.Add(temp.Path);

        await using var engine = await StorageFactory.CreateStorageAsync(options);
        await engine.SaveAsync("flows/a.json", "{}"u8.ToArray());

        Assert.Equal("memory", engine.EngineType);
        Assert.Equal("{}"u8.ToArray(), await engine.LoadBytesAsync("flows/a.json"));
    }

    [Fact]
    public async Task Desktop_with_the_filesystem_plugin_stores_under_the_data_directory()
    {
        using var temp = new TempDirectory();
        var catalogue = Catalogue("memory", "filesystem");
        var options = new StorageFactoryOptions { IsBrowser = false, DataDirectory = temp.Combine("app-data") };

        await using var engine = (ProbeEngine)(await StorageFactory.CreateFromCatalogueAsync(catalogue, options, default)).Bare();

        Assert.Equal("filesystem", engine.Options.ApiKey);
        Assert.Equal(temp.Combine("app-data"), engine.Options.Root);
        Assert.True(Directory.Exists(temp.Combine("app-data")));
    }

    [Fact]
    public async Task Browser_prefers_indexeddb_over_localstorage_and_memory()
    {
        await using var engine = (ProbeEngine)(await StorageFactory.CreateFromCatalogueAsync(
            Catalogue("localstorage", "indexeddb", "filesystem"), new StorageFactoryOptions { IsBrowser = true }, default)).Bare();

        Assert.Equal("indexeddb", engine.Options.ApiKey);
        Assert.Null(engine.Options.Root);
    }

    [Theory]
    [InlineData(true, "indexeddb,localstorage,memory", "indexeddb")]
    [InlineData(true, "localstorage,memory", "localstorage")]
    [InlineData(true, "memory,filesystem", "memory")]
    [InlineData(false, "filesystem,memory,indexeddb", "filesystem")]
    [InlineData(false, "memory,indexeddb", "memory")]
    [InlineData(false, "indexeddb", null)]
    public void Choice_follows_the_platform_preference(bool isBrowser, string available, string? expected)
    {
        var names = available.Split(',');

        Assert.Equal(expected, StorageFactory.ChooseType(isBrowser, names.Contains));
    }

    [Fact]
    public async Task No_available_default_is_an_error_listing_what_was_tried()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() =>
            StorageFactory.CreateFromCatalogueAsync(Catalogue("gdrive"), new StorageFactoryOptions { IsBrowser = false }, default).AsTask());

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Equal("No default storage is available: none of filesystem, memory was found. Reference Atomiton.Storage (memory) or add a plugin. Available types: gdrive.", error.Message);
    }

    [Fact]
    public void Default_data_directory_is_under_the_user_app_data_folder()
    {
        string appData = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify);

        Assert.Equal(Path.Combine(appData, "Demo", "storage"), new StorageFactoryOptions { ApplicationName = "Demo" }.ResolveDataDirectory());
    }

    private static ProviderCatalogue Catalogue(params string[] names) =>
        new([.. names.Select(n => new ProviderRegistration(new NamedBackendProvider(n), "test", "test"))], [], []);
}
