using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Plugins.Browser.Server;

/// <summary>
/// <see cref="IBrowserContentTransport"/> over two endpoints of the app: <c>GET {path}/{token}</c> hands the page a
/// save's content, <c>POST {path}/{token}</c> takes a load's content from it. A token is 256 random bits, used once
/// (removed when its request arrives, or when the engine stops waiting), and never logged. Content streams through
/// in both directions (an 80 KiB buffer), so a 50 MiB object costs the server no more memory than a small one.
/// One per app (a singleton): tokens belong to no circuit, they are only known to the engine that made them and
/// the page it told.
/// </summary>
internal sealed partial class HttpContentTransport(BrowserStorageTransferOptions options, ILogger<HttpContentTransport> logger) : IBrowserContentTransport
{
    private readonly ConcurrentDictionary<string, PendingOffer> _offers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Expectation> _expectations = new(StringComparer.Ordinal);
    private readonly string _relativePath = options.Path.Trim('/');
    private int _unreachableReported;

    /// <summary>How long a request the page abandoned stays open for the engine's reader to notice and let go.</summary>
    private static readonly TimeSpan AbortedReaderGrace = TimeSpan.FromMinutes(2);

    /// <summary>Where the endpoints are mapped.</summary>
    public string Path => options.Path;

    /// <summary>Whether the endpoints were mapped (MapAtomitonBrowserStorageTransfers).</summary>
    public bool Mapped { get; set; }

    /// <summary>Offers and expectations waiting for the page (for tests: none are left behind).</summary>
    public int Pending => _offers.Count + _expectations.Count;

    public IBrowserContentOffer Offer(Stream content, long? length)
    {
        ArgumentNullException.ThrowIfNull(content);
        string token = NewToken();
        var offer = new PendingOffer(this, token, _relativePath + "/" + token, content, length);
        _offers[token] = offer;
        return offer;
    }

    public IBrowserContentExpectation Expect()
    {
        string token = NewToken();
        var expectation = new Expectation(this, token, _relativePath + "/" + token);
        _expectations[token] = expectation;
        return expectation;
    }

    public void ReportUnreachable(string detail)
    {
        if (Interlocked.Exchange(ref _unreachableReported, 1) == 0)
        {
            LogUnreachable(logger, Mapped ? "" : " The endpoints were never mapped: call app.MapAtomitonBrowserStorageTransfers().", detail);
        }
    }

    internal void Withdraw(PendingOffer offer) => _offers.TryRemove(new KeyValuePair<string, PendingOffer>(offer.Token, offer));

    internal void Withdraw(Expectation expectation) => _expectations.TryRemove(new KeyValuePair<string, Expectation>(expectation.Token, expectation));

    /// <summary>GET: the page fetches a save's content.</summary>
    internal async Task SendAsync(HttpContext context, string token)
    {
        if (!_offers.TryRemove(token, out var offer))
        {
            await UnknownAsync(context);
            return;
        }

        offer.Claim();
        var response = context.Response;
        response.ContentType = "application/octet-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        if (offer.Length is { } length)
        {
            response.ContentLength = length;
        }

        try
        {
            await offer.Content.CopyToAsync(response.Body, 80 * 1024, context.RequestAborted);
            await response.CompleteAsync();
            offer.Succeed();
        }
        catch (Exception e)
        {
            // The content failed (a wrong stated length, the caller's stream) or the page went away: the page must
            // not take a part for the whole, so the response is cut rather than ended.
            offer.Fail(e);
            context.Abort();
        }
    }

    /// <summary>POST: the page sends a load's content; the request lasts until the engine's reader is done with it.</summary>
    internal async Task ReceiveAsync(HttpContext context, string token)
    {
        if (!_expectations.TryRemove(token, out var expectation))
        {
            await UnknownAsync(context);
            return;
        }

        // The object's size is the engine's to check (it knows it from the page); Kestrel's 30 MB default and its
        // minimum data rate (the reader may pause) do not apply to a request the engine asked for.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        var body = new ArrivedBody(context.Request.Body);
        if (!expectation.Arrive(body))
        {
            await UnknownAsync(context);
            return;
        }

        try
        {
            await body.Done.WaitAsync(context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (OperationCanceledException)
        {
            // The page went away while the engine was reading: the reader's next read fails (the server's body
            // reports the abort); give it time to see that and let go, then close the body to it for good.
            await Task.WhenAny(body.Done, Task.Delay(AbortedReaderGrace, CancellationToken.None));
        }
        finally
        {
            body.EndRequest();
        }
    }

    private static Task UnknownAsync(HttpContext context)
    {
        // The same answer for a token never issued, already used, or withdrawn; nothing about the engine or the key.
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync("No such transfer: it was used, withdrawn, or never issued.", context.RequestAborted);
    }

    private static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Browser storage: the page could not reach the HTTP transfer endpoints ({Detail}); large objects now move through the Blazor circuit, which is slower. Map the endpoints below the app's path base, and give every server of the app session affinity, as the circuit needs.{Hint}")]
    private static partial void LogUnreachable(ILogger logger, string hint, string detail);

    /// <summary>A save's content offered to the page.</summary>
    internal sealed class PendingOffer(HttpContentTransport owner, string token, string address, Stream content, long? length) : IBrowserContentOffer
    {
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _claimed;

        public string Token => token;

        public string Address => address;

        public Stream Content => content;

        public long? Length => length;

        public bool Claimed => Volatile.Read(ref _claimed) == 1;

        public Task Completion => _completion.Task;

        public void Claim() => Volatile.Write(ref _claimed, 1);

        public void Succeed() => _completion.TrySetResult();

        public void Fail(Exception e) => _completion.TrySetException(e);

        public void Dispose()
        {
            owner.Withdraw(this);
            if (!Claimed)
            {
                _completion.TrySetCanceled();
            }
        }
    }

    /// <summary>A load's content the page is expected to post.</summary>
    internal sealed class Expectation(HttpContentTransport owner, string token, string address) : IBrowserContentExpectation
    {
        private readonly TaskCompletionSource<ArrivedBody> _arrival = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _taken;

        public string Token => token;

        public string Address => address;

        public Task Arrival => _arrival.Task;

        public bool Arrive(ArrivedBody body) => _arrival.TrySetResult(body);

        public Stream TakeBody()
        {
            if (!_arrival.Task.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("The page's request has not arrived.");
            }

            if (Interlocked.Exchange(ref _taken, 1) != 0)
            {
                throw new InvalidOperationException("The posted body was already taken.");
            }

            return _arrival.Task.Result;
        }

        public void Dispose()
        {
            owner.Withdraw(this);
            if (!_arrival.TrySetCanceled() && Interlocked.Exchange(ref _taken, 1) == 0)
            {
                // Arrived but never taken: end the page's request.
                _arrival.Task.Result.Dispose();
            }
        }
    }

    /// <summary>
    /// The posted body as the engine reads it; disposing it lets the page's request end. Once the request is over
    /// (<see cref="EndRequest"/>, called before the handler returns and the server reuses the request's objects) it never
    /// touches the server's body again: reads fail with an <see cref="IOException"/> instead.
    /// </summary>
    internal sealed class ArrivedBody(Stream body) : Atomiton.Storage.IO.ReadOnlyStream
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private bool _closed;

        public Task Done => _done.Task;

        public override int Read(Span<byte> buffer)
        {
            lock (_gate)
            {
                ThrowIfClosed();
                return body.Read(buffer);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                ThrowIfClosed();
            }

            return await body.ReadAsync(buffer, cancellationToken);
        }

        /// <summary>The request is over: later reads fail rather than reach the server's (reused) body.</summary>
        public void EndRequest()
        {
            lock (_gate)
            {
                _closed = true;
            }
        }

        private void ThrowIfClosed()
        {
            if (_closed)
            {
                throw new IOException("The page's request ended (the page was closed or reloaded, or the connection dropped).");
            }
        }

        protected override void Dispose(bool disposing)
        {
            _done.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
