using System.Globalization;
using System.Net;
using System.Text.Json;
using Google.Apis.Http;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// Retries what Drive says to retry (its default handler covers only 503): 403
/// <c>userRateLimitExceeded</c>/<c>rateLimitExceeded</c>, 429 and 5xx answers, and broken
/// connections, with truncated exponential back-off plus jitter (min(delay·2ⁿ, max) + up to 1 s),
/// honouring <c>Retry-After</c>. Requests to a resumable upload session are left to
/// <see cref="Google.Apis.Upload.ResumableUpload"/>, which resumes from the byte the server confirmed.
/// </summary>
internal sealed class DriveRetryPolicy(GoogleDriveOptions options, TimeProvider time) : IHttpUnsuccessfulResponseHandler, IHttpExceptionHandler
{
    private readonly Random _jitter = new();
    private int _retries;

    /// <summary>How many retries this stage made (tests and benchmarks read it).</summary>
    public int Retries => Volatile.Read(ref _retries);

    public async Task<bool> HandleResponseAsync(HandleUnsuccessfulResponseArgs args)
    {
        if (!args.SupportsRetry || args.CurrentFailedTry > options.MaxRetries || IsUploadSession(args.Request) || args.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        int status = (int)args.Response.StatusCode;
        bool retry = status is 429 or 500 or 502 or 503 or 504;
        if (status == 403)
        {
            retry = DriveErrors.IsRateLimitReason(await ReasonAsync(args.Response, args.CancellationToken));
        }

        if (!retry)
        {
            return false;
        }

        await WaitAsync(args.CurrentFailedTry, RetryAfter(args.Response), args.CancellationToken);
        return true;
    }

    public async Task<bool> HandleExceptionAsync(HandleExceptionArgs args)
    {
        if (!args.SupportsRetry || args.CurrentFailedTry > options.MaxRetries || IsUploadSession(args.Request) || args.CancellationToken.IsCancellationRequested
            || args.Exception is not (HttpRequestException or IOException))
        {
            return false;
        }

        await WaitAsync(args.CurrentFailedTry, null, args.CancellationToken);
        return true;
    }

    /// <summary>The delay before retry <paramref name="attempt"/> (1-based): Retry-After when given, else min(RetryDelay·2^(attempt−1), MaxRetryDelay) plus up to a second of jitter.</summary>
    internal TimeSpan DelayFor(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait)
        {
            return wait;
        }

        double exponential = options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        double capped = Math.Min(exponential, options.MaxRetryDelay.TotalMilliseconds);
        double jitter;
        lock (_jitter)
        {
            jitter = _jitter.NextDouble() * Math.Min(1000, options.RetryDelay.TotalMilliseconds);
        }

        return TimeSpan.FromMilliseconds(capped + jitter);
    }

    private async Task WaitAsync(int attempt, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _retries);
        var delay = DelayFor(attempt, retryAfter);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private static bool IsUploadSession(HttpRequestMessage request) =>
        request.RequestUri?.Query.Contains("upload_id=", StringComparison.Ordinal) == true;

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is { } header)
        {
            if (header.Delta is { } delta)
            {
                return delta;
            }

            if (header.Date is { } date)
            {
                var wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }

    private static async Task<string?> ReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            // Buffered, so Google.Apis can still read the error when no retry happens.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var document = JsonDocument.Parse(body);
            var errors = document.RootElement.GetProperty("error").GetProperty("errors");
            return errors.GetArrayLength() > 0 && errors[0].TryGetProperty("reason", out var reason) ? reason.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    internal static string Describe(HttpStatusCode status) => ((int)status).ToString(CultureInfo.InvariantCulture);
}
