using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.AzureBlob;

/// <summary>
/// Options of the <c>azureblob</c> engine: the container, one way to authenticate (a connection
/// string, an account key or a SAS token, each a secret reference in <c>plugins.json</c>), and
/// transfer tuning.
/// </summary>
public sealed class AzureBlobOptions : IValidatableObject
{
    /// <summary>The container holding the objects (3–63 lowercase letters, digits and single hyphens).</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$", ErrorMessage = "container must be 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (Azure's container name rules).")]
    public string? Container { get; set; }

    /// <summary>
    /// A storage connection string (<c>DefaultEndpointsProtocol=…;AccountName=…;AccountKey=…</c>, or one with
    /// <c>SharedAccessSignature=…</c>, or <c>UseDevelopmentStorage=true</c> for Azurite); a secret reference
    /// (<c>env:NAME</c> or <c>file:PATH</c>). Use it alone, or <see cref="AccountKey"/> or <see cref="SasToken"/> with <see cref="ServiceUrl"/>.
    /// </summary>
    [StorageSecret]
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The blob service's URL: <c>https://ACCOUNT.blob.core.windows.net/</c>, or Azurite's
    /// <c>http://127.0.0.1:10000/devstoreaccount1</c>. Needed with <see cref="AccountKey"/> or <see cref="SasToken"/>.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The storage account's name, for <see cref="AccountKey"/>; by default read from <see cref="ServiceUrl"/>.</summary>
    public string? AccountName { get; set; }

    /// <summary>The storage account's shared key (base64); a secret reference (<c>env:NAME</c> or <c>file:PATH</c>).</summary>
    [StorageSecret]
    public string? AccountKey { get; set; }

    /// <summary>A shared access signature (the query string, with or without its leading <c>?</c>); a secret reference.</summary>
    [StorageSecret]
    public string? SasToken { get; set; }

    /// <summary>Create the container at start-up when it does not exist (default false: a missing container is an error naming it).</summary>
    public bool CreateContainer { get; set; }

    /// <summary>
    /// Objects smaller than this go in one request (Put Blob); larger ones, or of unknown length, are
    /// staged in blocks of this size — each held in memory until the service acknowledges it — and
    /// committed in one request at the end, so a failed upload never leaves a partial object. At most
    /// 50,000 blocks make one blob, so this also bounds the largest object. Default 8 MiB.
    /// </summary>
    [Range(64 * 1024, 256 * 1024 * 1024)]
    public int BlockSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>How many times the Azure SDK retries a failed request (connection errors, timeouts, 408, 429, 500, 502–504). Default 3; 0 disables retries.</summary>
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay, doubled each time (with jitter) up to a minute. Default 800 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>How long one request may take before it is abandoned (and retried). Default 100 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Declare the <c>md5</c> content hash (default true). This plugin gives every blob it writes an MD5
    /// (the service computes it for one-request uploads; the plugin computes it for block uploads and sets
    /// it at commit). Set false for a container that other clients also write in blocks without an MD5:
    /// their blobs have none, and an engine must not promise a hash it cannot always give.
    /// </summary>
    public bool DeclareContentHashes { get; set; } = true;

    /// <summary>Exactly one credential; a service URL where the credential needs one; absolute http(s) URLs.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        int credentials = (string.IsNullOrEmpty(ConnectionString) ? 0 : 1) + (string.IsNullOrEmpty(AccountKey) ? 0 : 1) + (string.IsNullOrEmpty(SasToken) ? 0 : 1);
        if (credentials != 1)
        {
            yield return new ValidationResult(
                (credentials == 0 ? "no credential is set" : "more than one credential is set")
                + ": set exactly one of connectionString, accountKey (with serviceUrl) or sasToken (with serviceUrl), each a secret reference such as env:AZURE_STORAGE_KEY.",
                [nameof(ConnectionString), nameof(AccountKey), nameof(SasToken)]);
        }

        if (string.IsNullOrEmpty(ConnectionString) && string.IsNullOrEmpty(ServiceUrl))
        {
            yield return new ValidationResult("serviceUrl is required with accountKey or sasToken, such as https://ACCOUNT.blob.core.windows.net/ (Azurite: http://127.0.0.1:10000/devstoreaccount1).", [nameof(ServiceUrl)]);
        }

        if (!string.IsNullOrEmpty(ServiceUrl) && (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query)))
        {
            yield return new ValidationResult("serviceUrl must be an absolute http:// or https:// URL without a query (put a SAS in sasToken), such as https://ACCOUNT.blob.core.windows.net/.", [nameof(ServiceUrl)]);
        }

        if (!string.IsNullOrEmpty(ConnectionString) && !string.IsNullOrEmpty(ServiceUrl))
        {
            yield return new ValidationResult("serviceUrl is taken from connectionString; set one or the other.", [nameof(ServiceUrl)]);
        }
    }

    /// <summary>Names the container, the service URL and which credential is used; never a secret.</summary>
    public override string ToString() =>
        $"azureblob container={Container} serviceUrl={ServiceUrl ?? "(from connection string)"} credential={(ConnectionString is { Length: > 0 } ? "connectionString" : AccountKey is { Length: > 0 } ? "accountKey" : SasToken is { Length: > 0 } ? "sasToken" : "none")}";
}
