using Atomiton.Storage.Memory;
using BenchmarkDotNet.Attributes;

namespace Atomiton.Storage.Benchmarks;

/// <summary>
/// "What changed since my cursor?" on a memory engine holding 100,000 keys, ten of which changed
/// after the cursor: reading the change feed to its end versus a full listing of the same engine
/// (what a consumer without a feed must do). The feed's cost follows the changes, not the keys.
/// Setup prints the number of calls (pages) each answer takes.
/// </summary>
[MemoryDiagnoser]
public class ChangeFeedBenchmarks
{
    private MemoryEngine _engine = null!;
    private string _cursor = null!;

    [Params(100_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _engine = new MemoryEngine(new MemoryOptions { ChangeRetentionEntries = Keys + 100 });
        var content = new byte[16];
        for (int i = 0; i < Keys; i++)
        {
            await _engine.SaveAsync($"data/{i:D6}", content);
        }

        _cursor = await _engine.GetChangeCursorAsync();
        for (int i = 0; i < 10; i++)
        {
            await _engine.SaveAsync($"data/{i * 1000:D6}", content);
        }

        var (changes, pages) = await ReadFeedAsync();
        int listed = await ListAsync();
        if (changes != 10 || listed != Keys)
        {
            throw new InvalidOperationException($"Expected 10 changes and {Keys} listed keys; got {changes} and {listed}.");
        }

        Console.WriteLine($"// change feed: {changes} changes in {pages} ReadChangesAsync call(s); full listing: {listed} entries in 1 ListAsync call ({(listed + 999) / 1000} engine pages of 1,000)");
    }

    [GlobalCleanup]
    public ValueTask CleanupAsync() => _engine.DisposeAsync();

    [Benchmark(Baseline = true)]
    public async Task<int> Full_listing() => await ListAsync();

    [Benchmark]
    public async Task<int> Changes_since_cursor() => (await ReadFeedAsync()).Changes;

    private async Task<(int Changes, int Pages)> ReadFeedAsync()
    {
        int changes = 0;
        int pages = 0;
        string cursor = _cursor;
        while (true)
        {
            var page = await _engine.ReadChangesAsync(cursor);
            pages++;
            changes += page.Changes.Count;
            cursor = page.Cursor;
            if (!page.HasMore)
            {
                return (changes, pages);
            }
        }
    }

    private async Task<int> ListAsync()
    {
        int count = 0;
        await foreach (var entry in _engine.ListAsync())
        {
            count++;
        }

        return count;
    }
}
