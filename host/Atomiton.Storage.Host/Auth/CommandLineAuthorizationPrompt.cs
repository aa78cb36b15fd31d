using System.Globalization;
using System.Net;
using Atomiton.Storage.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Host.Auth;

/// <summary>
/// How <c>auth login</c> asks the user for consent: for a browser sign-in it listens on
/// <c>http://127.0.0.1:&lt;free port&gt;/</c>, opens the system browser at the authorization address
/// (or, with <c>--no-browser</c> or when no browser starts, prints it), answers the redirect with a
/// "you can close this tab" page and hands its address back; a device code is shown as "open &lt;url&gt;
/// and enter &lt;code&gt;"; a pasted code is read from standard input. Everything it prints goes to
/// stderr (stdout carries the result); nothing it prints is a token — the authorization address carries
/// only the client id, the PKCE challenge and the state.
/// </summary>
internal sealed class CommandLineAuthorizationPrompt(TextWriter messages, Func<Stream> openStandardInput, IBrowserLauncher? browser, TimeSpan timeout) : IStorageAuthorizationPrompt
{
    /// <summary>How long a sign-in waits for the user by default.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public async ValueTask<Uri> AuthorizeInBrowserAsync(Func<Uri, Uri> authorizationUriFor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorizationUriFor);
        var redirected = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await StartListenerAsync(redirected, cancellationToken);
        try
        {
            return await WaitForRedirectAsync(listener, redirected.Task, authorizationUriFor, cancellationToken);
        }
        finally
        {
            // Graceful: the page the browser is being sent finishes before the listener goes.
            await listener.StopAsync(CancellationToken.None);
        }
    }

    private async Task<Uri> WaitForRedirectAsync(WebApplication listener, Task<Uri> redirected, Func<Uri, Uri> authorizationUriFor, CancellationToken cancellationToken)
    {
        var redirect = new Uri(listener.Urls.Single().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        var address = authorizationUriFor(redirect);
        if (browser is not null && browser.TryOpen(address))
        {
            messages.WriteLine($"A browser was opened to sign in. If none appeared, open this address: {address}");
        }
        else
        {
            messages.WriteLine($"Open this address in a browser to sign in: {address}");
        }

        messages.WriteLine($"Waiting for the browser to come back to {redirect} (up to {Describe(timeout)}; Ctrl+C to give up)...");
        await messages.FlushAsync(cancellationToken);
        return await WaitAsync(redirected, $"No browser came back to {redirect} within {Describe(timeout)}; nothing was stored. Run the command again, or sign in on another device with --device.", cancellationToken);
    }

    public async ValueTask ShowDeviceCodeAsync(Uri verificationUri, string userCode, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verificationUri);
        messages.WriteLine($"To sign in, open {verificationUri} and enter {userCode} (the code works until {expiresAt.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC).");
        messages.WriteLine("Waiting for the sign-in to be approved (Ctrl+C to give up)...");
        await messages.FlushAsync(cancellationToken);
    }

    public async ValueTask<string> AskForCodeAsync(Uri authorizationUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorizationUri);
        messages.WriteLine($"Open this address in a browser, sign in, and paste the code it shows here: {authorizationUri}");
        messages.Write("Code: ");
        await messages.FlushAsync(cancellationToken);
        using var reader = new StreamReader(openStandardInput());
        string? line = await WaitAsync(reader.ReadLineAsync(cancellationToken).AsTask(), $"No code was entered within {Describe(timeout)}; nothing was stored. Run the command again.", cancellationToken);
        messages.WriteLine();
        return line?.Trim() ?? "";
    }

    private async Task<T> WaitAsync<T>(Task<T> task, string timedOut, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new StorageException(StorageErrorCode.AuthenticationFailed, timedOut) { Operation = "sign-in" };
        }
    }

    private static async Task<WebApplication> StartListenerAsync(TaskCompletionSource<Uri> redirected, CancellationToken cancellationToken)
    {
        // No watch on an appsettings.json in the working folder: each watch is an inotify instance (128 per user by default).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/", (HttpRequest request) =>
        {
            // Only the redirect counts (it carries code, state or error); a browser's other requests do not end the wait.
            if (!request.Query.ContainsKey("code") && !request.Query.ContainsKey("error"))
            {
                return Results.NotFound();
            }

            bool refused = request.Query.ContainsKey("error");
            var received = new Uri(string.Concat(request.Scheme, "://", request.Host.ToUriComponent(), request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent()));
            // Handed back once the page was sent, so stopping the listener never cuts the browser off.
            request.HttpContext.Response.OnCompleted(() =>
            {
                redirected.TrySetResult(received);
                return Task.CompletedTask;
            });
            return Results.Content(Page(refused), "text/html; charset=utf-8");
        });
        await app.StartAsync(cancellationToken);
        return app;
    }

    private static string Page(bool refused) =>
        $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>atomiton-storage</title></head>
        <body style="font-family: sans-serif; margin: 3em">
        <h1>{(refused ? "The sign-in was not completed" : "Signed in")}</h1>
        <p>{(refused ? "The service did not grant access. The terminal says why." : "atomiton-storage received the sign-in.")} You can close this tab and return to the terminal.</p>
        </body></html>
        """;

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} minute{(span.TotalMinutes == 1 ? "" : "s")}")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} second{(span.TotalSeconds == 1 ? "" : "s")}");
}
