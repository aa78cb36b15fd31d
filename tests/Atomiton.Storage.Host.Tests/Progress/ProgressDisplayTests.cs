using Atomiton.Storage.Host.Progress;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Host.Tests.Progress;

public sealed class ProgressDisplayTests
{
    [Fact]
    public async Task Plain_progress_prints_at_most_once_per_interval_with_percentage_rate_and_eta()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();
        var display = new PlainProgressDisplay(writer, time, TimeSpan.FromSeconds(2));

        int result = await display.RunAsync("migrate a -> b", 10, ProgressUnit.Objects, reporter =>
        {
            reporter.Advance(1);
            time.Advance(TimeSpan.FromSeconds(1));
            reporter.Advance(1);
            time.Advance(TimeSpan.FromSeconds(1));
            reporter.Advance(2);
            time.Advance(TimeSpan.FromSeconds(1));
            reporter.Advance(2);
            time.Advance(TimeSpan.FromSeconds(1));
            reporter.Advance(4);
            return Task.FromResult(42);
        });

        Assert.Equal(42, result);
        Assert.Equal(
            [
                "migrate a -> b: 4 objects of 10 objects (40%), 2 objects/s, ETA 00:00:03",
                "migrate a -> b: 10 objects of 10 objects (100%), 3 objects/s",
            ],
            writer.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Plain_progress_ends_with_the_final_state_when_the_last_line_did_not_show_it()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();
        var display = new PlainProgressDisplay(writer, time, TimeSpan.FromSeconds(2));

        await display.RunAsync("put k", 1000, ProgressUnit.Bytes, reporter =>
        {
            time.Advance(TimeSpan.FromSeconds(2));
            reporter.Advance(500);
            time.Advance(TimeSpan.FromSeconds(1));
            reporter.Advance(500);
            return Task.FromResult(true);
        });

        Assert.Equal(
            [
                "put k: 500 B of 1000 B (50%), 250 B/s, ETA 00:00:02",
                "put k: 1000 B of 1000 B (100%), 333 B/s",
            ],
            writer.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Plain_progress_of_quick_work_prints_nothing()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();
        var display = new PlainProgressDisplay(writer, time, TimeSpan.FromSeconds(2));

        await display.RunAsync("put k", 100, ProgressUnit.Bytes, reporter =>
        {
            reporter.Advance(100);
            time.Advance(TimeSpan.FromSeconds(1));
            return Task.FromResult(true);
        });

        Assert.Equal("", writer.ToString());
    }

    [Fact]
    public async Task Plain_progress_of_bytes_uses_binary_units_and_omits_the_percentage_of_an_unknown_total()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();
        var display = new PlainProgressDisplay(writer, time, TimeSpan.FromSeconds(1));

        await display.RunAsync("get k", 0, ProgressUnit.Bytes, reporter =>
        {
            time.Advance(TimeSpan.FromSeconds(2));
            reporter.Advance(3 << 20);
            return Task.FromResult(true);
        });

        Assert.Equal("get k: 3.0 MiB of 0 B, 1.5 MiB/s", writer.ToString().ReplaceLineEndings("\n").Split('\n')[0]);
    }

    [Fact]
    public async Task Terminal_progress_draws_a_bar_with_the_description_on_the_error_writer()
    {
        using var writer = new StringWriter();
        var display = new TerminalProgressDisplay(writer);

        string result = await display.RunAsync("put big.bin", 1000, ProgressUnit.Bytes, reporter =>
        {
            reporter.Advance(600);
            reporter.Advance(400);
            return Task.FromResult("done");
        });

        Assert.Equal("done", result);
        Assert.Contains("put big.bin", writer.ToString(), StringComparison.Ordinal);
        Assert.Contains("100%", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silent_progress_runs_the_work_and_prints_nothing()
    {
        var display = new SilentProgressDisplay();

        int result = await display.RunAsync("x", 10, ProgressUnit.Objects, reporter =>
        {
            reporter.Advance(10);
            return Task.FromResult(7);
        });

        Assert.Equal(7, result);
    }

    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(1024L, "1.0 KiB")]
    [InlineData(1536L * 1024, "1.5 MiB")]
    [InlineData(5L << 30, "5.0 GiB")]
    [InlineData(3L << 50, "3072.0 TiB")]
    [InlineData(-2048L, "-2.0 KiB")]
    public void Byte_sizes_use_binary_units(long bytes, string text) => Assert.Equal(text, ByteSize.Format(bytes));

    [Fact]
    public void Objects_are_counted_as_whole_objects() => Assert.Equal("3 objects", ProgressUnit.Objects.Format(2.6));

    [Fact]
    public void Transfer_progress_advances_by_the_bytes_moved_since_the_last_report()
    {
        var counted = new CountingReporter();
        var progress = new TransferProgress();
        progress.Attach(counted);

        progress.Report(new StorageProgress(40, 100));
        progress.Report(new StorageProgress(40, 100));
        progress.Report(new StorageProgress(100, 100));

        Assert.Equal(100, counted.Total);
        Assert.Equal(2, counted.Calls);
    }

    [Fact]
    public void Transfer_progress_attached_late_loses_no_bytes()
    {
        var counted = new CountingReporter();
        var progress = new TransferProgress();
        progress.Report(new StorageProgress(30, null));

        progress.Attach(counted);
        progress.Report(new StorageProgress(70, null));

        Assert.Equal(70, counted.Total);
        Assert.Equal(1, counted.Calls);
    }

    private sealed class CountingReporter : IProgressReporter
    {
        public long Total { get; private set; }

        public int Calls { get; private set; }

        public void Advance(long units)
        {
            Total += units;
            Calls++;
        }
    }
}
