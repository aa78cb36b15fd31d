namespace Atomiton.Storage.Plugins.Browser;

/// <summary>
/// A way for large content to travel between a Blazor Server app and the page over plain HTTP, beside the
/// circuit: the circuit's SignalR connection carries a browser-to-server message of at most 32 KB, so a 1 MiB
/// load through it is 33 round trips, and a save goes in 512 KiB messages through the circuit's one queue. With a
/// transport, the browser engines send only the calls through the circuit and the bytes over one HTTP request
/// each: a save's content is offered for the page to fetch once (GET), a load's content is posted by the page
/// once (POST). Addresses are one-time and unguessable (256 random bits), live only while the engine waits,
/// and are relative to the page's base address.
/// </summary>
/// <remarks>
/// Implemented by <c>Atomiton.Storage.Plugins.Browser.Server</c> (<c>services.AddAtomitonBrowserStorageTransfers()</c>
/// and <c>app.MapAtomitonBrowserStorageTransfers()</c>); engines built through <c>IBrowserStoragePipelines</c> find it
/// in the app's services. Not used in WebAssembly, where .NET and the page share one process. When the page cannot
/// reach the address (the endpoints are not mapped, or a request lands on another server without session
/// affinity), the engine moves that object through the circuit, stops using the transport, and reports it
/// through <see cref="ReportUnreachable"/>.
/// </remarks>
public interface IBrowserContentTransport
{
    /// <summary>
    /// Offers <paramref name="content"/> for the page to fetch once. The transport reads it to the end (or
    /// until it fails) on the request's thread; the caller keeps it open until the offer completes.
    /// </summary>
    /// <param name="content">The bytes, read forward once.</param>
    /// <param name="length">Its length when known (sent as Content-Length), else null.</param>
    IBrowserContentOffer Offer(Stream content, long? length);

    /// <summary>Expects content the page will post once.</summary>
    IBrowserContentExpectation Expect();

    /// <summary>Tells the transport that the page could not reach one of its addresses (logged once by the transport).</summary>
    void ReportUnreachable(string detail);
}

/// <summary>Content offered to the page. Disposing withdraws the offer if the page has not claimed it.</summary>
public interface IBrowserContentOffer : IDisposable
{
    /// <summary>The one-time address, relative to the page's base address.</summary>
    string Address { get; }

    /// <summary>Whether the page's request has arrived (the content is then being, or has been, read).</summary>
    bool Claimed { get; }

    /// <summary>
    /// Completes when the content has been sent whole; faults with the content's own error (for example a
    /// stated length that was wrong) or the connection's; cancelled when withdrawn unclaimed.
    /// </summary>
    Task Completion { get; }
}

/// <summary>Content the page is expected to post. Disposing withdraws the expectation and, unless the posted body was taken, ends the page's request.</summary>
public interface IBrowserContentExpectation : IDisposable
{
    /// <summary>The one-time address, relative to the page's base address.</summary>
    string Address { get; }

    /// <summary>Completes when the page's request has arrived.</summary>
    Task Arrival { get; }

    /// <summary>
    /// Takes the posted body (after <see cref="Arrival"/>): the caller owns it, reads it forward, and disposing it
    /// ends the page's request.
    /// </summary>
    Stream TakeBody();
}
