using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// The flows sample (a Blazor WebAssembly PWA) used as a person would, served by the README's command for
/// browser users run verbatim: it lands on IndexedDB, shows the quota, creates, lists, edits and deletes
/// documents (a screenshot of its main page is attached to the results), and — the command stopped — still
/// loads, edits and reads back through its service worker. The test only chooses the address
/// (ASPNETCORE_URLS, a free loopback port), which the sample's launch profile leaves to the environment.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed partial class ReadmeCommandTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string CommandStart = "dotnet run --project samples/Atomiton.Storage.Samples.Flows.Server";

    // `dotnet run` builds before it serves: 8 minutes once at load average 40 on 2 cores. A hang guard, not a
    // verdict on speed.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(20);

    [SkippableFact]
    public async Task The_documented_command_serves_the_flows_app_which_keeps_working_after_the_command_is_stopped()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        string root = RepositoryRoot();
        string command = DocumentedCommand(File.ReadAllLines(Path.Combine(root, "README.md")));
        string[] words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var start = new ProcessStartInfo(words[0])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string word in words.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        // The build `dotnet run` does leaves no MSBuild node or compiler server behind.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var log = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Observe(e.Data);
        process.ErrorDataReceived += (_, e) => Observe(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"`{command}` exited before it served the app."));
        await using var context = await browser.Browser.CreateBrowserContextAsync();
        var page = await context.NewPageAsync();
        page.DefaultTimeout = (int)TimeSpan.FromMinutes(10).TotalMilliseconds; // a hang guard
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(Patience);
            await page.GoToAsync(address.ToString());
            await page.WaitForFunctionAsync("() => document.querySelector('#engine')?.textContent.includes('indexeddb')");
            Assert.Contains("Quota:", await FlowsPage.TextAsync(page, "#quota"), StringComparison.Ordinal);

            await FlowsPage.EditAsync(page, "first", "{\"steps\":[1]}");
            await FlowsPage.EditAsync(page, "second", "{\"steps\":[2]}");
            await page.WaitForFunctionAsync("() => document.querySelector('#count')?.textContent === '2'");
            await page.ClickAsync(".delete[data-name='second']");
            await page.WaitForFunctionAsync("() => document.querySelector('#count')?.textContent === '1'");

            string screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "flows-main-page.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await page.ScreenshotAsync(screenshot);
            output.WriteLine($"Screenshot of the main page: {screenshot}");
            Assert.True(new FileInfo(screenshot).Length > 1000);

            // The service worker controls the page and holds every file it loaded.
            await page.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null && typeof window.flowsCacheLoaded === 'function'");
            await page.EvaluateFunctionAsync(@"() => new Promise(resolve => {
                navigator.serviceWorker.addEventListener('message', e => { if (e.data?.cached) resolve(e.data.cached); });
                window.flowsCacheLoaded();
            })");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            lock (log)
            {
                output.WriteLine(log.ToString());
            }
        }

        // The command is stopped: the app still loads, edits and reads back.
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#engine')?.textContent.includes('indexeddb')");
        await page.WaitForFunctionAsync("() => document.querySelector('#count')?.textContent === '1'");
        await page.ClickAsync(".flow[data-name='first']");
        await page.WaitForFunctionAsync("() => document.querySelector('#body').value.includes('[1]')");
        await FlowsPage.EditAsync(page, "first", "{\"steps\":[1,2,3]}");
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#count')?.textContent === '1'");
        await page.ClickAsync(".flow[data-name='first']");
        await page.WaitForFunctionAsync("() => document.querySelector('#body').value === '{\"steps\":[1,2,3]}'");
        Assert.Null(await page.QuerySelectorAsync("#error"));

        void Observe(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups["address"].Value.TrimEnd('/') + "/"));
            }
        }
    }

    /// <summary>The command in the README's browser section, exactly as written there.</summary>
    private static string DocumentedCommand(string[] readme)
    {
        int section = Array.FindIndex(readme, line => line.StartsWith("## In the browser", StringComparison.Ordinal));
        Assert.True(section >= 0, "README.md has no '## In the browser' section.");
        string? command = readme.Skip(section + 1)
            .TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal))
            .FirstOrDefault(line => line.StartsWith(CommandStart, StringComparison.Ordinal));
        Assert.True(command is not null, $"README.md's browser section no longer shows `{CommandStart}`.");
        return command!.Trim();
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Atomiton.Storage.Plugins.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Atomiton.Storage.Plugins.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://\S+)")]
    private static partial Regex ListeningLine();
}
