using System.Collections.Concurrent;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Stands between the plugin and the server as a proxy would: records every request and lets a
/// test answer a request itself, change the server's answer, or pass it on unchanged.
/// </summary>
public sealed class InterceptingHandler : DelegatingHandler
{
    public InterceptingHandler(Func<HttpRequestMessage, Func<Task<HttpResponseMessage>>, Task<HttpResponseMessage>> onSend)
        : this((request, forward, _) => onSend(request, forward))
    {
    }

    public InterceptingHandler(Func<HttpRequestMessage, Func<Task<HttpResponseMessage>>, CancellationToken, Task<HttpResponseMessage>> onSend)
        : base(new SocketsHttpHandler()) => OnSend = onSend;

    /// <summary>Called for every request with a function that forwards it to the server, and the request's cancellation.</summary>
    public Func<HttpRequestMessage, Func<Task<HttpResponseMessage>>, CancellationToken, Task<HttpResponseMessage>> OnSend { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Whether the request is <paramref name="method"/> on a path starting with <paramref name="pathPrefix"/>.</summary>
    public static bool Is(HttpRequestMessage request, HttpMethod method, string pathPrefix) =>
        request.Method == method && request.RequestUri!.AbsolutePath.StartsWith(pathPrefix, StringComparison.Ordinal);

    /// <summary>Sends another request to the server, as a proxy retrying on its own would.</summary>
    public Task<HttpResponseMessage> ForwardAsync(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue($"{request.Method} {request.RequestUri!.PathAndQuery}");
        return OnSend(request, () => base.SendAsync(request, cancellationToken), cancellationToken);
    }
}
