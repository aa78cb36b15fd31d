using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>Options of the <c>cloud</c> engine: where the server is, the API key, and transfer tuning.</summary>
public sealed class CloudOptions : IValidatableObject
{
    /// <summary>The server's base URL, such as <c>https://storage.example.com/</c> (what <c>atomiton-storage serve --urls</c> listens on).</summary>
    [Required]
    public string? Endpoint { get; set; }

    /// <summary>
    /// More base URLs of the same Atomiton Cloud: replicas on one database and one blob account
    /// (<c>docs/cloud-deploy.md</c>). Requests are spread over <see cref="Endpoint"/> and these in turn,
    /// each through a circuit breaker of its own (Polly's): a replica that fails to answer twice in 30
    /// seconds (or in half its requests) is left out for five seconds, then probed, while the retries
    /// (within <see cref="RetryBudget"/>) go to the others. Empty (the default) for one server.
    /// </summary>
    public IList<string> Replicas { get; set; } = [];

    /// <summary>The API key from <c>atomiton-storage cloud keys create</c>; a secret reference (<c>env:NAME</c> or <c>file:PATH</c>) in <c>plugins.json</c>.</summary>
    [Required]
    [StorageSecret]
    public string? ApiKey { get; set; }

    /// <summary>
    /// Objects up to this size go in one request; larger ones (or of unknown length) go through an
    /// upload session in chunks of this size, each held in memory until acknowledged. Default 8 MiB;
    /// keep it at or below the server's request-body limit.
    /// </summary>
    [Range(64 * 1024, 256 * 1024 * 1024)]
    public int ChunkSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// How long one operation keeps retrying transient failures (connection errors, timeouts, 408,
    /// 429, 502–504), counted from its first failure: long enough by default for a server restart
    /// or a short outage not to fail an upload. Once it has passed, the last error is thrown, saying
    /// so. Default two minutes; zero disables retries.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>At most this many retries per operation, within <see cref="RetryBudget"/>; null (the default) for no count limit; 0 disables retries.</summary>
    [Range(0, 10_000)]
    public int? MaxRetries { get; set; }

    /// <summary>The first retry's delay, doubled (with jitter) each time up to 30 seconds; a server's Retry-After wins. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long one request may wait for the server's response headers. Default 100 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The endpoint is an absolute http or https URL (the engine speaks nothing else; DataAnnotations' [Url] would also pass ftp).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Endpoint is { Length: > 0 } && (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult("endpoint must be an absolute http:// or https:// URL, such as https://storage.example.com/.", [nameof(Endpoint)]);
        }

        foreach (var replica in Replicas ?? [])
        {
            if (!Uri.TryCreate(replica, UriKind.Absolute, out var replicaUri) || replicaUri.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult($"replicas: '{replica}' is not an absolute http:// or https:// URL; list the other replicas' base URLs, such as https://storage-2.example.com/.", [nameof(Replicas)]);
            }
        }
    }

    /// <summary>Names the endpoint only; the API key never appears.</summary>
    public override string ToString() => Replicas is { Count: > 0 } ? $"cloud endpoint={Endpoint} replicas={string.Join(',', Replicas)}" : $"cloud endpoint={Endpoint}";
}
