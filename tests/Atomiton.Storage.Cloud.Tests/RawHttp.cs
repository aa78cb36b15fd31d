using System.Net.Sockets;
using System.Text;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Sends one HTTP/1.1 request byte for byte over a socket, so hostile request targets reach the
/// server exactly as written (HttpClient would normalise dot segments first).
/// </summary>
public static class RawHttp
{
    public sealed record Response(int Status, string Head, string Body)
    {
        public bool HasHeader(string name) => Head.Contains("\r\n" + name + ":", StringComparison.OrdinalIgnoreCase);
    }

    public static async Task<Response> SendAsync(Uri endpoint, string method, string target, string? apiKey = null, string? body = null, params string[] headers)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port);
        await using var stream = client.GetStream();
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var request = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(endpoint.Authority).Append("\r\n")
            .Append("Connection: close\r\n");
        if (apiKey is not null)
        {
            request.Append("Authorization: Bearer ").Append(apiKey).Append("\r\n");
        }

        if (body is not null || method is "PUT" or "POST")
        {
            request.Append("Content-Length: ").Append(bytes.Length).Append("\r\n");
        }

        foreach (var header in headers)
        {
            request.Append(header).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
        await stream.WriteAsync(bytes);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received);
        var raw = received.ToArray();
        int split = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        var head = Encoding.UTF8.GetString(split < 0 ? raw : raw[..split]);
        int status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var content = split < 0 ? [] : raw[(split + 4)..];
        bool chunked = head.Contains("\r\nTransfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
        return new Response(status, head, Encoding.UTF8.GetString(chunked ? Dechunk(content) : content));
    }

    /// <summary>The content of a chunked body.</summary>
    private static byte[] Dechunk(byte[] body)
    {
        var content = new MemoryStream();
        int position = 0;
        while (true)
        {
            int lineEnd = position + body.AsSpan(position).IndexOf("\r\n"u8);
            int size = int.Parse(Encoding.ASCII.GetString(body, position, lineEnd - position), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return content.ToArray();
            }

            content.Write(body, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }
}
