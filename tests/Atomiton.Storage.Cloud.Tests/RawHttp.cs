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
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        int split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        int status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return new Response(status, head, split < 0 ? "" : text[(split + 4)..]);
    }
}
