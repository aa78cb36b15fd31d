using Atomiton.Storage.Memory;
using Atomiton.Storage.Providers;

#pragma warning disable CA1859 // The host calls providers through IStorageProvider; so do these tests.

namespace Atomiton.Storage.Tests.Abstractions.Providers;

public sealed class StorageProviderTests
{
    private static readonly StorageProviderContext Context = new() { PipelineName = "main", StageName = "store" };

    [Fact]
    public void Memory_descriptor_describes_a_backend_with_MemoryOptions()
    {
        var provider = new MemoryProvider();

        Assert.Equal("memory", provider.Name);
        Assert.Equal(StorageProviderKind.Backend, provider.Kind);
        Assert.Equal(typeof(MemoryOptions), provider.OptionsType);
        Assert.False(string.IsNullOrWhiteSpace(provider.Description));
    }

    [Fact]
    public async Task Memory_descriptor_builds_an_engine_with_the_options_and_the_context_clock()
    {
        var clock = new SettableTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        IStorageProvider provider = new MemoryProvider();

        await using var engine = await provider.CreateAsync(new MemoryOptions { MaxBytes = 10 }, Context with { TimeProvider = clock });

        Assert.Equal("memory", engine.EngineType);
        Assert.True(engine.Capabilities.HasFlag(StorageCapabilities.Quota));
        Assert.Equal(clock.Now, (await engine.SaveAsync("k", new byte[] { 1 })).Created);
        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("big", new byte[20]));
        Assert.Equal(StorageErrorCode.QuotaExceeded, error.Code);
    }

    [Fact]
    public async Task Options_of_the_wrong_type_are_refused_naming_the_stage_and_pipeline()
    {
        IStorageProvider provider = new MemoryProvider();

        var error = await Assert.ThrowsAsync<StorageException>(async () => await provider.CreateAsync("not options", Context));
        var missing = await Assert.ThrowsAsync<StorageException>(async () => await provider.CreateAsync(null!, Context));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("stage 'store' of pipeline 'main'", error.Message, StringComparison.Ordinal);
        Assert.Contains("System.String", error.Message, StringComparison.Ordinal);
        Assert.Equal(("memory", "create"), (error.Provider, error.Operation));
        Assert.Contains("null", missing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await provider.CreateAsync(new MemoryOptions(), null!));
    }

    [Fact]
    public async Task A_wrapper_needs_an_inner_engine()
    {
        IStorageProvider provider = new PassThroughProvider();

        var error = await Assert.ThrowsAsync<StorageException>(async () => await provider.CreateAsync(new PassThroughOptions(), Context));
        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("needs an engine beneath it", error.Message, StringComparison.Ordinal);

        await using var wrapped = await provider.CreateAsync(new PassThroughOptions(), Context with { Inner = new MemoryEngine() });
        var info = await wrapped.GetInfoAsync();
        Assert.Equal("pass-through", info.EngineType);
        Assert.Equal("memory", info.Inner!.EngineType);
        Assert.Empty(info.Details);
    }

    [Fact]
    public void Context_defaults_to_the_system_clock_no_logging_and_the_current_directory()
    {
        Assert.Same(TimeProvider.System, Context.TimeProvider);
        Assert.Same(NullStorageLogger.Instance, Context.Logger);
        Assert.Equal(Environment.CurrentDirectory, Context.BaseDirectory);
        Assert.Null(Context.Inner);
        Assert.Null(Context.ResolvePipeline);
        Assert.Null(Context.Services);
    }

    [Fact]
    public void Null_logger_is_never_enabled_and_ignores_messages()
    {
        var logger = NullStorageLogger.Instance;
        Assert.False(logger.IsEnabled(StorageLogLevel.Error));
        logger.Log(StorageLogLevel.Error, "ignored", new InvalidOperationException());
    }

    [Fact]
    public void Contract_version_matches_its_major_version()
    {
        Assert.Equal(2, StorageContract.MajorVersion);
        Assert.Equal(StorageContract.MajorVersion, StorageContract.Version.Major);
    }
}
