namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>
/// The replicas of one Atomiton Cloud a client talks to: requests are spread over them in turn, and a
/// replica that failed to answer (connection refused or cut, timeout, 502–504) sits out for
/// <see cref="SitOut"/> on the context's clock, so the transport's retry — the one retry loop of the
/// plugin — sends the next attempt to another replica. When every replica sits out, the one due back
/// first is tried. Thread-safe.
/// </summary>
internal sealed class CloudEndpoints
{
    /// <summary>How long a replica that failed is left out of the rotation.</summary>
    public static readonly TimeSpan SitOut = TimeSpan.FromSeconds(5);

    private readonly Uri[] _endpoints;
    private readonly long[] _outUntil;
    private readonly TimeProvider _time;
    private int _next = -1;

    public CloudEndpoints(IReadOnlyList<Uri> endpoints, TimeProvider time)
    {
        _endpoints = [.. endpoints];
        _outUntil = new long[_endpoints.Length];
        _time = time;
    }

    public int Count => _endpoints.Length;

    /// <summary>The endpoint for the next attempt.</summary>
    public Uri Next()
    {
        if (_endpoints.Length == 1)
        {
            return _endpoints[0];
        }

        long now = _time.GetTimestamp();
        int start = Interlocked.Increment(ref _next) & int.MaxValue;
        int soonest = start % _endpoints.Length;
        for (int i = 0; i < _endpoints.Length; i++)
        {
            int candidate = (start + i) % _endpoints.Length;
            long until = Volatile.Read(ref _outUntil[candidate]);
            if (until <= now)
            {
                return _endpoints[candidate];
            }

            if (until < Volatile.Read(ref _outUntil[soonest]))
            {
                soonest = candidate;
            }
        }

        return _endpoints[soonest];
    }

    /// <summary>Leaves <paramref name="endpoint"/> out of the rotation for <see cref="SitOut"/>.</summary>
    public void MarkFailed(Uri endpoint)
    {
        int index = Array.IndexOf(_endpoints, endpoint);
        if (index >= 0 && _endpoints.Length > 1)
        {
            Volatile.Write(ref _outUntil[index], _time.GetTimestamp() + (long)(SitOut.TotalSeconds * _time.TimestampFrequency));
        }
    }

    /// <summary>Whether a failure says the replica itself did not answer (so another one should be tried).</summary>
    public static bool IsReplicaFailure(StorageException e) =>
        e.IsTransient && e.Code is StorageErrorCode.NetworkError or StorageErrorCode.Timeout;
}
