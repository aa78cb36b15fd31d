using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Simulates a server that is down for <see cref="Window"/> of the fake clock, starting when the
/// upload chunk number <see cref="OutageAtChunk"/> is sent: every request in the window is refused
/// as a closed port refuses it, and each refusal moves the clock on by <see cref="Step"/> — so the
/// outage lasts a known simulated time however fast or slow the machine is.
/// </summary>
public sealed class OutageHandler(FakeTimeProvider time) : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly Lock _gate = new();
    private int _chunks;
    private DateTimeOffset? _until;
    private int _refused;

    public int OutageAtChunk { get; init; } = 1;

    public TimeSpan Window { get; init; }

    public TimeSpan Step { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many requests the outage refused.</summary>
    public int Refused => Volatile.Read(ref _refused);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        bool isChunk = request.Method == HttpMethod.Put && request.RequestUri!.AbsolutePath.StartsWith("/v1/uploads/", StringComparison.Ordinal);
        bool refuse;
        lock (_gate)
        {
            if (isChunk && ++_chunks == OutageAtChunk)
            {
                _until ??= time.GetUtcNow() + Window;
            }

            refuse = _until is { } until && time.GetUtcNow() < until;
            if (refuse)
            {
                _refused++;
                time.Advance(Step);
            }
        }

        if (refuse)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (simulated outage)", new SocketException((int)SocketError.ConnectionRefused));
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
