using System.Collections.Concurrent;
using System.Net;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Sits between the plugin and the socket: records every request, and can stall one upload chunk
/// half-way through its body (so the server can be stopped mid-chunk) or drop the answer to one
/// chunk after the server has stored it (a connection lost on the way back).
/// </summary>
public sealed class FaultInjectingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private int _chunks;

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Which chunk PUT (1-based) to stall half-way; 0 for none.</summary>
    public int StallChunk { get; init; }

    /// <summary>Which chunk PUT (1-based) loses its answer; 0 for none.</summary>
    public int DropAnswerOfChunk { get; init; }

    public TaskCompletionSource HalfSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue($"{request.Method} {request.RequestUri!.PathAndQuery}");
        bool isChunk = request.Method == HttpMethod.Put && request.RequestUri.AbsolutePath.StartsWith("/v1/uploads/", StringComparison.Ordinal);
        int chunk = isChunk ? Interlocked.Increment(ref _chunks) : 0;
        if (isChunk && chunk == StallChunk)
        {
            var bytes = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            request.Content = new StallingContent(bytes, this);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (isChunk && chunk == DropAnswerOfChunk && response.StatusCode == HttpStatusCode.OK)
        {
            response.Dispose();
            throw new HttpRequestException("Injected fault: the connection dropped before the answer arrived.");
        }

        return response;
    }

    private sealed class StallingContent(byte[] bytes, FaultInjectingHandler owner) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await stream.FlushAsync();
            owner.HalfSent.TrySetResult();
            await owner.Release.Task;
            await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
