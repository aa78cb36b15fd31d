using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Atomiton.Storage.Cloud.Server.Auth;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Every failure status reaches the caller as the contract's error code, with transience and
/// Retry-After: the server's problem details when it sent them (round trip of every code the
/// served pipeline can throw), the status alone when something in between answered (a proxy's
/// plain-text or HTML error page).
/// </summary>
public sealed class ErrorMappingTests : IAsyncLifetime
{
    private FailingEngine _failing = null!;
    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync(serve: engine => _failing = new FailingEngine(engine));
        _key = _server.CreateTenantKey(tenant: "t/");
        await _server.Engine.SaveAsync("t/doc.txt", "0123456789"u8.ToArray());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(400, StorageErrorCode.InvalidArgument, false, "see the server's log.")]
    [InlineData(401, StorageErrorCode.AuthenticationFailed, false, "the API key is missing, wrong or revoked; check the 'apiKey' option.")]
    [InlineData(403, StorageErrorCode.AccessDenied, false, "the API key lacks the permission for this operation.")]
    [InlineData(404, StorageErrorCode.NotFound, false, "no such object.")]
    [InlineData(408, StorageErrorCode.Timeout, true, "see the server's log.")]
    [InlineData(409, StorageErrorCode.Conflict, false, "see the server's log.")]
    [InlineData(412, StorageErrorCode.Conflict, false, "see the server's log.")]
    [InlineData(413, StorageErrorCode.ObjectTooLarge, false, "see the server's log.")]
    [InlineData(416, StorageErrorCode.InvalidArgument, false, "see the server's log.")]
    [InlineData(418, StorageErrorCode.Unknown, false, "see the server's log.")]
    [InlineData(429, StorageErrorCode.RateLimited, true, "too many requests; slow down.")]
    [InlineData(500, StorageErrorCode.NetworkError, false, "see the server's log.")]
    [InlineData(501, StorageErrorCode.UnsupportedOperation, false, "see the server's log.")]
    [InlineData(502, StorageErrorCode.NetworkError, true, "see the server's log.")]
    [InlineData(503, StorageErrorCode.NetworkError, true, "see the server's log.")]
    [InlineData(504, StorageErrorCode.Timeout, true, "see the server's log.")]
    [InlineData(507, StorageErrorCode.QuotaExceeded, false, "see the server's log.")]
    public async Task Status_from_something_in_between_decides_the_code_when_there_are_no_problem_details(int status, StorageErrorCode code, bool transient, string advice)
    {
        var handler = new InterceptingHandler((request, forward) => InterceptingHandler.Is(request, HttpMethod.Get, "/v1/objects/")
            ? Task.FromResult(new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent("<html><body>proxy error</body></html>", Encoding.UTF8, "text/html") })
            : forward());
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler, configure: o => o.MaxRetries = 0);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("doc.txt"));

        Assert.Equal(code, error.Code);
        Assert.Equal(transient, error.IsTransient);
        Assert.Equal("doc.txt", error.Key);
        Assert.Equal("cloud", error.Provider);
        Assert.Null(error.RetryAfter);
        Assert.Equal($"The Atomiton Cloud server answered {status} {new HttpResponseMessage((HttpStatusCode)status).ReasonPhrase} for key 'doc.txt': {advice}", error.Message);
        Assert.Equal("0123456789"u8.ToArray(), await _server.Engine.LoadBytesAsync("t/doc.txt"));
    }

    [Theory]
    [InlineData(StorageErrorCode.NotFound, 404, false)]
    [InlineData(StorageErrorCode.Conflict, 412, false)]
    [InlineData(StorageErrorCode.InvalidArgument, 400, false)]
    [InlineData(StorageErrorCode.SerializationError, 400, false)]
    [InlineData(StorageErrorCode.ObjectTooLarge, 413, false)]
    [InlineData(StorageErrorCode.QuotaExceeded, 507, false)]
    [InlineData(StorageErrorCode.StorageFull, 507, false)]
    [InlineData(StorageErrorCode.UnsupportedOperation, 501, false)]
    [InlineData(StorageErrorCode.Timeout, 504, true)]
    [InlineData(StorageErrorCode.NetworkError, 503, true)]
    public async Task Every_code_the_served_pipeline_throws_reaches_the_client_unchanged(StorageErrorCode code, int status, bool transient)
    {
        _failing.Error = new StorageException(code, "the backend says no.") { IsTransient = transient };
        using var raw = _server.RawClient(_key.Key);
        using var response = await raw.GetAsync(new Uri("v1/objects/failing", UriKind.Relative));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code.ToString(), await AuthenticationTests.CodeOfAsync(response));
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler: null, configure: o => o.MaxRetries = 0);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("failing"));

        Assert.Equal(code, error.Code);
        Assert.Equal(transient, error.IsTransient);
        Assert.Equal($"The Atomiton Cloud server answered {status} {response.ReasonPhrase} for key 'failing': the backend says no.", error.Message);
    }

    [Theory]
    [InlineData(StorageErrorCode.AccessDenied, 403, "The storage behind this server denied access to key 'failing'. Ask the operator to check the served pipeline's permissions.")]
    [InlineData(StorageErrorCode.Integrity, 500, "The stored data of key 'failing' failed an integrity check on the server. Ask the operator.")]
    [InlineData(StorageErrorCode.Unknown, 500, "The storage behind this server failed on key 'failing' (Unknown). Ask the operator.")]
    [InlineData(StorageErrorCode.PluginFailed, 500, "The storage behind this server failed on key 'failing' (PluginFailed). Ask the operator.")]
    public async Task Codes_only_the_operator_can_act_on_reach_the_client_unchanged_in_the_servers_words(StorageErrorCode code, int status, string detail)
    {
        _failing.Error = new StorageException(code, "the backend says no.") { Key = FailingEngine.FailingKey };
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler: null, configure: o => o.MaxRetries = 0);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("failing"));

        Assert.Equal(code, error.Code);
        Assert.False(error.IsTransient);
        Assert.Matches($"^The Atomiton Cloud server answered {status} [^:]+: {System.Text.RegularExpressions.Regex.Escape(detail)} The server log has the details under reference [0-9a-f]{{8}}\\.$", error.Message);
    }

    [Fact]
    public async Task Rate_limit_of_the_served_pipeline_carries_Retry_After_to_the_client()
    {
        _failing.Error = new StorageException(StorageErrorCode.RateLimited, "the backend is throttling.") { IsTransient = true, RetryAfter = TimeSpan.FromSeconds(3) };
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler: null, configure: o => o.MaxRetries = 0);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("failing"));

        Assert.Equal(StorageErrorCode.RateLimited, error.Code);
        Assert.True(error.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
    }

    [Fact]
    public async Task Backend_credentials_failing_are_the_servers_problem_and_their_message_is_not_passed_on()
    {
        _failing.Error = new StorageException(StorageErrorCode.AuthenticationFailed, "token sk-live-123 was rejected by the backend.") { Provider = "gdrive" };
        using var raw = _server.RawClient(_key.Key);
        using var response = await raw.GetAsync(new Uri("v1/objects/failing", UriKind.Relative));
        string body = await response.Content.ReadAsStringAsync();
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler: null, configure: o => o.MaxRetries = 0);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("failing"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain("sk-live-123", body, StringComparison.Ordinal);
        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.StartsWith(
            "The Atomiton Cloud server answered 502 Bad Gateway for key 'failing': The storage pipeline behind this server could not authenticate to its backend (gdrive). Ask the operator to check the pipeline's credentials. The server log has the details under reference ",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_problem_details_fall_back_to_the_status()
    {
        var handler = new InterceptingHandler((request, forward) => InterceptingHandler.Is(request, HttpMethod.Get, "/v1/objects/")
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.Conflict) { Content = new StringContent("{ \"code\": ", Encoding.UTF8, "application/problem+json") })
            : forward());
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler, configure: o => o.MaxRetries = 0);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("doc.txt"));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        Assert.Equal("The Atomiton Cloud server answered 409 Conflict for key 'doc.txt': see the server's log.", error.Message);
    }

    [Theory]
    [InlineData("2.5", 2500)]
    [InlineData("Wed, 21 Oct 2015 07:28:00 GMT", 0)]
    public async Task Retry_After_in_seconds_fractions_or_a_past_date_is_read(string retryAfter, int expectedMilliseconds)
    {
        var error = await RateLimitedByProxyAsync(response => response.Headers.TryAddWithoutValidation("Retry-After", retryAfter));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), error.RetryAfter);
    }

    [Fact]
    public async Task Retry_After_as_a_future_date_waits_until_then()
    {
        var error = await RateLimitedByProxyAsync(response => response.Headers.RetryAfter = new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddHours(1)));

        Assert.InRange(error.RetryAfter!.Value, TimeSpan.FromMinutes(50), TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task A_transient_answer_is_retried_logging_why_and_the_caller_sees_only_success()
    {
        int answered = 0;
        var log = new RecordingStorageLogger();
        var handler = new InterceptingHandler((request, forward) => InterceptingHandler.Is(request, HttpMethod.Get, "/v1/objects/") && Interlocked.Increment(ref answered) == 1
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("busy") })
            : forward());
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler, log);

        Assert.Equal("0123456789"u8.ToArray(), await engine.LoadBytesAsync("doc.txt"));

        Assert.Equal(2, handler.Requests.Count(r => r == "GET /v1/objects/doc.txt"));
        Assert.StartsWith("cloud: attempt 1 failed with NetworkError (stage 'cloud' of pipeline 'tests'); retrying in ", Assert.Single(log.Messages), StringComparison.Ordinal);
    }

    private async Task<StorageException> RateLimitedByProxyAsync(Action<HttpResponseMessage> addRetryAfter)
    {
        var handler = new InterceptingHandler((request, forward) =>
        {
            if (!InterceptingHandler.Is(request, HttpMethod.Head, "/v1/objects/"))
            {
                return forward();
            }

            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            addRetryAfter(response);
            return Task.FromResult(response);
        });
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler, configure: o => o.MaxRetries = 0);
        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("doc.txt"));
        Assert.Equal(StorageErrorCode.RateLimited, error.Code);
        return error;
    }
}
