namespace Atomiton.Storage.Cloud.Server.State;

/// <summary>The per-key request budget: in this process, or shared by every replica through the database.</summary>
internal interface IRequestRateLimiter : IDisposable
{
    /// <summary>Takes one request of <paramref name="keyId"/>'s budget.</summary>
    /// <returns>Null when the request may go on; otherwise how long until the budget refills.</returns>
    ValueTask<TimeSpan?> TryAcquireAsync(string keyId, CancellationToken cancellationToken);
}
