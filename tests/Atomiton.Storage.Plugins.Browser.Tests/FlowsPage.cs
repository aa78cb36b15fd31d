using PuppeteerSharp;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>What a person does in the flows sample, as page steps.</summary>
internal static class FlowsPage
{
    /// <summary>Creates (or overwrites) document <paramref name="name"/> with <paramref name="body"/> and waits for it in the list.</summary>
    public static async Task EditAsync(IPage page, string name, string body)
    {
        await page.ClickAsync("#new");
        await page.TypeAsync("#name", name);
        await page.EvaluateFunctionAsync("(text) => { const b = document.querySelector('#body'); b.value = text; b.dispatchEvent(new Event('input', { bubbles: true })); }", body);
        await page.ClickAsync("#save");
        await page.WaitForFunctionAsync("name => [...document.querySelectorAll('.flow')].some(a => a.dataset.name === name)", name);
    }

    /// <summary>The text of the first element matching <paramref name="selector"/>.</summary>
    public static Task<string> TextAsync(IPage page, string selector) =>
        page.EvaluateFunctionAsync<string>("s => document.querySelector(s).textContent", selector);
}
