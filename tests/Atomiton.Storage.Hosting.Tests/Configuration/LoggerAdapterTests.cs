using Atomiton.Storage.Hosting.Logging;
using Atomiton.Storage.Hosting.Tests.Support;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Hosting.Tests.Configuration;

/// <summary>Every contract log level reaches the application's logger at the matching level, and only when that level is enabled.</summary>
public sealed class LoggerAdapterTests
{
    [Theory]
    [InlineData(StorageLogLevel.Trace, LogLevel.Trace)]
    [InlineData(StorageLogLevel.Debug, LogLevel.Debug)]
    [InlineData(StorageLogLevel.Information, LogLevel.Information)]
    [InlineData(StorageLogLevel.Warning, LogLevel.Warning)]
    [InlineData(StorageLogLevel.Error, LogLevel.Error)]
    [InlineData(StorageLogLevel.Critical, LogLevel.Critical)]
    public void Each_level_is_logged_at_the_matching_level_with_its_message_and_exception(StorageLogLevel level, LogLevel expected)
    {
        var recorder = new RecordingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(recorder).SetMinimumLevel(LogLevel.Trace));
        var adapter = new StorageLoggerAdapter(factory.CreateLogger("Atomiton.Storage.test"));
        var cause = new InvalidOperationException("disk on fire");

        Assert.True(adapter.IsEnabled(level));
        adapter.Log(level, "stage said something", cause);

        var message = Assert.Single(recorder.Messages);
        Assert.Equal(("Atomiton.Storage.test", expected, "stage said something"), (message.Category, message.Level, message.Message));
        Assert.Same(cause, message.Exception);
    }

    [Fact]
    public void Levels_below_the_application_minimum_are_neither_enabled_nor_logged()
    {
        var recorder = new RecordingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(recorder).SetMinimumLevel(LogLevel.Warning));
        var adapter = new StorageLoggerAdapter(factory.CreateLogger("Atomiton.Storage.test"));

        Assert.False(adapter.IsEnabled(StorageLogLevel.Information));
        Assert.True(adapter.IsEnabled(StorageLogLevel.Warning));
        adapter.Log(StorageLogLevel.Debug, "too chatty");
        adapter.Log(StorageLogLevel.Information, "still too chatty");
        adapter.Log(StorageLogLevel.Error, "kept");

        Assert.Equal([("Atomiton.Storage.test", LogLevel.Error, "kept", (Exception?)null)], recorder.Messages);
    }
}
