using System.Collections.Concurrent;

namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>
/// Scripted faults and request counts: tests make the next requests of a route fail (429 with
/// <c>retry_after</c>, 5xx, an expired token) or cut the connection (before or after the request
/// took effect), and count what a client sent. Thread-safe.
/// </summary>
public sealed class DropboxFaults
{
    private readonly List<Fault> _faults = [];
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>How a scripted fault fails a request.</summary>
    public enum Kind
    {
        /// <summary>Answers 429 with the given reason (<c>too_many_requests</c> or <c>too_many_write_operations</c>) and <c>retry_after</c>.</summary>
        RateLimit,

        /// <summary>Answers 503 (or the given status) with a plain-text body.</summary>
        ServerError,

        /// <summary>Answers 401 <c>expired_access_token</c> (the token is refused once, as if it had just expired).</summary>
        ExpiredToken,

        /// <summary>Reads half of the request body, then drops the connection: nothing takes effect.</summary>
        CutMidBody,

        /// <summary>Handles the request (it takes effect), then drops the connection before the answer.</summary>
        CutAfterEffect,
    }

    /// <summary>Makes the next <paramref name="times"/> requests to <paramref name="route"/> (such as <c>files/upload</c>; <c>*</c> for any) fail as <paramref name="kind"/>.</summary>
    public void Add(string route, Kind kind, int times = 1, string reason = "too_many_requests", int retryAfterSeconds = 1, int status = 503)
    {
        lock (_faults)
        {
            for (int i = 0; i < times; i++)
            {
                _faults.Add(new Fault(route, kind, reason, retryAfterSeconds, status));
            }
        }
    }

    /// <summary>How many requests reached <paramref name="route"/> (faulted ones included).</summary>
    public int Count(string route) => _counts.GetValueOrDefault(route);

    /// <summary>Every route with its request count.</summary>
    public IReadOnlyDictionary<string, int> Counts => new Dictionary<string, int>(_counts, StringComparer.Ordinal);

    /// <summary>Forgets the counts (faults still queued stay).</summary>
    public void ResetCounts() => _counts.Clear();

    /// <summary>How many scripted faults have not fired yet.</summary>
    public int Pending
    {
        get
        {
            lock (_faults)
            {
                return _faults.Count;
            }
        }
    }

    internal void Counted(string route) => _counts.AddOrUpdate(route, 1, (_, n) => n + 1);

    /// <summary>The first queued fault for this route (or for any route), removed; faults of one route fire in the order added.</summary>
    internal Fault? Take(string route)
    {
        lock (_faults)
        {
            int index = _faults.FindIndex(f => f.Route == "*" || f.Route == route);
            if (index < 0)
            {
                return null;
            }

            var fault = _faults[index];
            _faults.RemoveAt(index);
            return fault;
        }
    }

    internal sealed record Fault(string Route, Kind Kind, string Reason, int RetryAfterSeconds, int Status);
}
