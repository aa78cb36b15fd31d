using Azure.Core;
using Azure.Core.Pipeline;

namespace Atomiton.Storage.Plugins.AzureBlob.Tests;

/// <summary>An HTTP transport that counts the requests the SDK sends (by method), for deterministic request counts.</summary>
public sealed class CountingTransport(HttpPipelineTransport inner) : HttpPipelineTransport
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requests = new();

    public CountingTransport() : this(new HttpClientTransport())
    {
    }

    /// <summary>Each request sent so far, as <c>METHOD comp</c> (the query's <c>comp</c>, such as <c>block</c> or <c>blocklist</c>).</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public void Clear() => _requests.Clear();

    public override Request CreateRequest() => inner.CreateRequest();

    public override void Process(HttpMessage message)
    {
        Record(message);
        inner.Process(message);
    }

    public override ValueTask ProcessAsync(HttpMessage message)
    {
        Record(message);
        return inner.ProcessAsync(message);
    }

    private void Record(HttpMessage message)
    {
        var query = System.Web.HttpUtility.ParseQueryString(message.Request.Uri.Query);
        _requests.Enqueue(message.Request.Method + (query["comp"] is { } comp ? " " + comp : ""));
    }
}
