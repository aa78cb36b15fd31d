using System.Diagnostics.Metrics;
using Atomiton.Storage.Cached;
using static Atomiton.Storage.Tests.Cached.CachedTestEngines;

namespace Atomiton.Storage.Tests.Cached;

public sealed class CachedMetricsTests
{
    [Fact]
    public async Task Hits_and_misses_are_published_as_metrics_tagged_with_the_stage()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        await cache.SaveAsync("a", Bytes(10));
        await cache.LoadBytesAsync("a");
        await cache.LoadBytesAsync("a");
        await cache.LoadBytesAsync("a");
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CacheMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "stage" && (string?)tag.Value == "s")
                {
                    seen[instrument.Name] = value;
                }
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(2, seen["atomiton.storage.cache.hits"]);
        Assert.Equal(1, seen["atomiton.storage.cache.misses"]);
        Assert.Equal(0, seen["atomiton.storage.cache.evictions"]);
        Assert.Equal(10, seen["atomiton.storage.cache.bytes"]);
    }

    [Theory]
    [InlineData(2, "cacheSize")]
    [InlineData(-1, "ttl")]
    [InlineData(-2, "negativeTtl")]
    [InlineData(-3, "maxItemBytes")]
    public async Task Bad_options_fail_at_creation_naming_the_option(int which, string option)
    {
        var options = which switch
        {
            2 => new CachedOptions { CacheSize = 2 },
            -1 => new CachedOptions { Ttl = TimeSpan.Zero },
            -2 => new CachedOptions { NegativeTtl = TimeSpan.FromSeconds(-1) },
            _ => new CachedOptions { MaxBytes = 10, MaxItemBytes = 11 },
        };

        var error = await Assert.ThrowsAsync<StorageException>(() => CreateAsync(new Atomiton.Storage.Memory.MemoryEngine(), options));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains($"'{option}'", error.Message, StringComparison.Ordinal);
    }
}
