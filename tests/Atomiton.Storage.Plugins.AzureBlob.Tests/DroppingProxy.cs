using System.Net;
using System.Net.Sockets;

namespace Atomiton.Storage.Plugins.AzureBlob.Tests;

/// <summary>
/// A loopback TCP proxy in front of Azurite that forwards faithfully until the client has sent
/// <c>cutAfterBytes</c> bytes in all, then drops every connection mid-request and refuses all later
/// ones (closes them at once): a service that goes away in the middle of an upload.
/// </summary>
public sealed class DroppingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly long _cutAfterBytes;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private long _forwarded;
    private int _tripped;

    public DroppingProxy(int targetPort, long cutAfterBytes)
    {
        _targetPort = targetPort;
        _cutAfterBytes = cutAfterBytes;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>True once connections were dropped.</summary>
    public bool Tripped => Volatile.Read(ref _tripped) != 0;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropAll();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            if (Tripped)
            {
                client.Dispose();
                continue;
            }

            var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            lock (_open)
            {
                _open.Add(client);
                _open.Add(server);
            }

            _ = PumpAsync(client.GetStream(), server.GetStream(), counts: true);
            _ = PumpAsync(server.GetStream(), client.GetStream(), counts: false);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool counts)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                if (counts && Interlocked.Add(ref _forwarded, read) > _cutAfterBytes)
                {
                    Interlocked.Exchange(ref _tripped, 1);
                    DropAll();
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The other side or the cut closed it.
        }
    }

    private void DropAll()
    {
        lock (_open)
        {
            foreach (var client in _open)
            {
                try
                {
                    client.Client.LingerState = new LingerOption(true, 0); // RST, as a crash would
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // Already closed.
                }

                client.Dispose();
            }

            _open.Clear();
        }
    }
}
