using System.Text;
using Atomiton.Storage.Plugins.Browser.IndexedDb;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>What the browser keeps: across a reload and a browser restart with one profile, and not in a fresh profile.</summary>
[Collection(BrowserTests.Name)]
public sealed class PersistenceTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task Objects_survive_a_reload_and_a_browser_restart_with_the_same_profile_and_a_fresh_profile_sees_nothing()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        string profile = Path.Combine(Path.GetTempPath(), "atomiton-browser-profile-" + Guid.NewGuid().ToString("N"));
        var options = new IndexedDbOptions { DatabaseName = "persist" };
        byte[] content = Encoding.UTF8.GetBytes("{\"name\":\"kept\"}");
        try
        {
            string etag;
            var chromium = await BrowserFixture.LaunchAsync(profile);
            try
            {
                var page = await browser.OpenAsync(browser: chromium);
                await using (var engine = new IndexedDbEngine(page.Runtime, options))
                {
                    etag = (await engine.SaveAsync("flows/kept.json", content)).ETag;
                }

                // Reload: a new circuit, a new engine, the same database.
                var reloaded = await browser.ProbeAsync(page.Page);
                await using (var engine = new IndexedDbEngine(reloaded.Runtime, options))
                {
                    Assert.Equal(content, await engine.LoadBytesAsync("flows/kept.json"));
                    Assert.Equal(etag, (await engine.StatAsync("flows/kept.json")).ETag);
                }
            }
            finally
            {
                await chromium.CloseAsync();
                chromium.Dispose();
            }

            // Restart: a new browser process over the same profile folder (and the same server address).
            chromium = await BrowserFixture.LaunchAsync(profile);
            try
            {
                var page = await browser.OpenAsync(browser: chromium);
                await using var engine = new IndexedDbEngine(page.Runtime, options);
                Assert.Equal(content, await engine.LoadBytesAsync("flows/kept.json"));
                Assert.Equal(etag, (await engine.StatAsync("flows/kept.json")).ETag);

                // A fresh profile (an incognito context of the same browser) sees nothing.
                await using var fresh = await chromium.CreateBrowserContextAsync();
                var freshPage = await browser.OpenAsync(fresh);
                await using var freshEngine = new IndexedDbEngine(freshPage.Runtime, options);
                Assert.False(await freshEngine.ExistsAsync("flows/kept.json"));
                await Assert.ThrowsAsync<StorageException>(async () => await freshEngine.LoadBytesAsync("flows/kept.json"));
            }
            finally
            {
                await chromium.CloseAsync();
                chromium.Dispose();
            }
        }
        finally
        {
            if (Directory.Exists(profile))
            {
                Directory.Delete(profile, recursive: true);
            }
        }
    }
}
