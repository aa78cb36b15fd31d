using System.Threading.RateLimiting;

namespace Atomiton.Storage.Cloud.Server.State;

/// <summary>Fixed windows per key in this process (the single-machine default).</summary>
internal sealed class LocalRateLimiter : IRequestRateLimiter
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public LocalRateLimiter(int permits, TimeSpan window)
    {
        _limiter = PartitionedRateLimiter.Create<string, string>(keyId => RateLimitPartition.GetFixedWindowLimiter(keyId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public ValueTask<TimeSpan?> TryAcquireAsync(string keyId, CancellationToken cancellationToken)
    {
        using var lease = _limiter.AttemptAcquire(keyId);
        TimeSpan? wait = lease.IsAcquired ? null
            : lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        return ValueTask.FromResult(wait);
    }

    public void Dispose() => _limiter.Dispose();
}
