using System.Text;
using Atomiton.Storage.Plugins.Browser.IndexedDb;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>Two tabs (two pages, two circuits) over one IndexedDB database.</summary>
[Collection(BrowserTests.Name)]
public sealed class TwoTabTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task Two_tabs_racing_create_only_on_one_key_let_exactly_one_win()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var first = await browser.OpenAsync();
        var second = await browser.OpenAsync();
        var options = new IndexedDbOptions { DatabaseName = "race-" + Guid.NewGuid().ToString("N") };
        await using var left = new IndexedDbEngine(first.Runtime, options);
        await using var right = new IndexedDbEngine(second.Runtime, options);
        try
        {
            for (int round = 0; round < 20; round++)
            {
                string key = $"race/{round}";
                var attempts = new[] { Attempt(left, key, "left"), Attempt(right, key, "right"), Attempt(left, key, "left"), Attempt(right, key, "right") };
                var outcomes = await Task.WhenAll(attempts);
                Assert.Equal(1, outcomes.Count(o => o.Won));
                Assert.All(outcomes.Where(o => !o.Won), o => Assert.Equal(StorageErrorCode.Conflict, o.Error!.Code));
                string stored = Encoding.UTF8.GetString(await left.LoadBytesAsync(key));
                Assert.Equal(outcomes.Single(o => o.Won).Writer, stored);
            }
        }
        finally
        {
            await first.Page.CloseAsync();
            await second.Page.CloseAsync();
        }
    }

    [SkippableFact]
    public async Task A_write_in_one_tab_wakes_and_appears_in_the_other_tabs_change_feed()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var first = await browser.OpenAsync();
        var second = await browser.OpenAsync();
        var options = new IndexedDbOptions { DatabaseName = "feed-" + Guid.NewGuid().ToString("N") };
        await using var reader = new IndexedDbEngine(first.Runtime, options);
        await using var writer = new IndexedDbEngine(second.Runtime, options);
        try
        {
            await reader.SaveAsync("outside/x", new byte[] { 1 });
            string cursor = await reader.GetChangeCursorAsync("flows/");
            var waiting = reader.WaitForChangesAsync(cursor, TimeSpan.FromMinutes(3)).AsTask();
            await writer.SaveAsync("outside/y", new byte[] { 2 });
            var saved = await writer.SaveAsync("flows/one.json", Encoding.UTF8.GetBytes("{}"));

            Assert.True(await waiting.WaitAsync(TimeSpan.FromMinutes(3)));
            var page = await reader.ReadChangesAsync(cursor);
            var change = Assert.Single(page.Changes);
            Assert.Equal(StorageChangeKind.Upserted, change.Kind);
            Assert.Equal("flows/one.json", change.Key);
            Assert.Equal(saved.ETag, change.Item!.ETag);

            await writer.DeleteAsync("flows/one.json");
            Assert.True(await reader.WaitForChangesAsync(page.Cursor, TimeSpan.FromMinutes(3)));
            var next = await reader.ReadChangesAsync(page.Cursor);
            Assert.Equal(StorageChangeKind.Deleted, Assert.Single(next.Changes).Kind);
        }
        finally
        {
            await first.Page.CloseAsync();
            await second.Page.CloseAsync();
        }
    }

    private static async Task<(bool Won, string Writer, StorageException? Error)> Attempt(IStorageEngine engine, string key, string writer)
    {
        try
        {
            await engine.SaveAsync(key, Encoding.UTF8.GetBytes(writer), new SaveOptions { Condition = WriteCondition.IfNotExists });
            return (true, writer, null);
        }
        catch (StorageException e)
        {
            return (false, writer, e);
        }
    }
}
