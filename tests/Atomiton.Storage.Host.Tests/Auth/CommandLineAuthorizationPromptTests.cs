using System.Net;
using System.Text;
using Atomiton.Storage.Host.Auth;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.Auth;

/// <summary>The command line's prompt in this process: the loopback listener played by an HTTP client as the browser, the device code line, a pasted code.</summary>
public sealed class CommandLineAuthorizationPromptTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Browser_sign_in_opens_the_address_and_returns_the_redirect_once_its_page_was_sent()
    {
        var messages = new CapturingWriter();
        var browser = new PlayingBrowser();
        var prompt = new CommandLineAuthorizationPrompt(messages, () => Stream.Null, browser, Patience);

        var received = await prompt.AuthorizeInBrowserAsync(redirect => new Uri(redirect, "?code=c-1&state=s-1"));

        Assert.Equal("?code=c-1&state=s-1", received.Query);
        Assert.Equal("127.0.0.1", received.Host);
        Assert.Equal(HttpStatusCode.NotFound, browser.Favicon);
        Assert.Contains("You can close this tab", await browser.Page, StringComparison.Ordinal);
        Assert.StartsWith($"A browser was opened to sign in. If none appeared, open this address: {browser.Opened}", messages.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_browser_the_address_is_printed_and_a_refusal_is_handed_back_with_its_page()
    {
        var messages = new CapturingWriter();
        var prompt = new CommandLineAuthorizationPrompt(messages, () => Stream.Null, browser: null, Patience);

        var sign = prompt.AuthorizeInBrowserAsync(redirect => new Uri(redirect, "?error=access_denied&state=s")).AsTask();
        string line = await messages.WaitForLineAsync(l => l.StartsWith("Open this address in a browser to sign in: ", StringComparison.Ordinal)).WaitAsync(Patience);
        string page = await AuthSandbox.BrowseAsync(AuthSandbox.AddressIn(line));
        var received = await sign.WaitAsync(Patience);

        Assert.Equal("?error=access_denied&state=s", received.Query);
        Assert.Contains("The sign-in was not completed", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_that_never_comes_back_ends_in_AuthenticationFailed_saying_nothing_was_stored()
    {
        var prompt = new CommandLineAuthorizationPrompt(new CapturingWriter(), () => Stream.Null, browser: null, TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await prompt.AuthorizeInBrowserAsync(redirect => redirect));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.Matches(@"^No browser came back to http://127\.0\.0\.1:\d+/ within 0\.2 seconds; nothing was stored\.", error.Message);
    }

    [Fact]
    public async Task A_pasted_code_is_read_from_standard_input_and_trimmed_and_end_of_input_is_no_code()
    {
        var messages = new CapturingWriter();
        var pasted = new CommandLineAuthorizationPrompt(messages, () => new MemoryStream(Encoding.UTF8.GetBytes("  code-42 \nignored\n")), browser: null, Patience);
        var nothing = new CommandLineAuthorizationPrompt(new CapturingWriter(), () => Stream.Null, browser: null, Patience);

        Assert.Equal("code-42", await pasted.AskForCodeAsync(new Uri("https://auth.example/authorize?client_id=c")));
        Assert.Equal("", await nothing.AskForCodeAsync(new Uri("https://auth.example/authorize?client_id=c")));
        Assert.Contains("paste the code it shows here: https://auth.example/authorize?client_id=c", messages.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_code_is_shown_as_open_the_address_and_enter_the_code()
    {
        var messages = new CapturingWriter();
        var prompt = new CommandLineAuthorizationPrompt(messages, () => Stream.Null, browser: null, Patience);

        await prompt.ShowDeviceCodeAsync(new Uri("https://auth.example/device"), "ABCD-1234", new DateTimeOffset(2026, 1, 5, 9, 15, 0, TimeSpan.Zero));

        Assert.StartsWith("To sign in, open https://auth.example/device and enter ABCD-1234 (the code works until 09:15:00 UTC).", messages.ToString(), StringComparison.Ordinal);
    }

    // Plays the user's browser: asks for a favicon first (as browsers do), then follows the address.
    private sealed class PlayingBrowser : IBrowserLauncher
    {
        private readonly TaskCompletionSource<string> _page = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Uri? Opened { get; private set; }

        public HttpStatusCode? Favicon { get; private set; }

        public Task<string> Page => _page.Task;

        public bool TryOpen(Uri address)
        {
            Opened = address;
            _ = Task.Run(async () =>
            {
                try
                {
                    using var http = new HttpClient();
                    using (var favicon = await http.GetAsync(new Uri(address, "/favicon.ico")))
                    {
                        Favicon = favicon.StatusCode;
                    }

                    _page.SetResult(await http.GetStringAsync(address));
                }
                catch (HttpRequestException e)
                {
                    _page.SetException(e);
                }
            });
            return true;
        }
    }
}
