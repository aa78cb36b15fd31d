namespace Atomiton.Storage.Mock;

/// <summary>
/// A failure a <see cref="MockEngine"/> injects: the error code, whether it is transient, an
/// optional retry-after hint, and whether the inner operation runs first (so the write lands but
/// the caller sees an error, as when a response is lost on the network).
/// </summary>
public sealed record MockFault
{
    /// <summary>A fault with <paramref name="code"/>, transient when the code is by default.</summary>
    public MockFault(StorageErrorCode code)
    {
        Code = code;
        IsTransient = StorageException.IsTransientByDefault(code);
    }

    /// <summary>The error code of the injected <see cref="StorageException"/>.</summary>
    public StorageErrorCode Code { get; }

    /// <summary>Whether the injected error says retrying may help; defaults from <see cref="Code"/>.</summary>
    public bool IsTransient { get; init; }

    /// <summary>The retry-after hint of the injected error (meaningful for <see cref="StorageErrorCode.RateLimited"/>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// When true the inner operation runs and succeeds before the error is thrown: the caller sees
    /// a failure although the change was made (a lost response). When false (the default) nothing happens.
    /// </summary>
    public bool AfterCompletion { get; init; }

    /// <summary>A rate-limited fault asking callers to wait <paramref name="retryAfter"/>.</summary>
    public static MockFault RateLimited(TimeSpan retryAfter) => new(StorageErrorCode.RateLimited) { RetryAfter = retryAfter };

    /// <summary>Builds the exception this fault throws for <paramref name="operation"/> on <paramref name="key"/>.</summary>
    internal StorageException ToException(string provider, MockOperation operation, string? key, string reason)
    {
        var target = key is null ? "" : $" of key '{key}'";
        var what = AfterCompletion ? "The operation was carried out, but its result was lost." : "Nothing was changed.";
        return new StorageException(Code, $"Simulated {Code} injected by the mock engine ({reason}) during {Name(operation)}{target}. {what}")
        {
            IsTransient = IsTransient,
            RetryAfter = RetryAfter,
            Provider = provider,
            Operation = Name(operation),
            Key = key,
        };
    }

    /// <summary>The operation name used in exceptions (the same names <see cref="StorageEngine"/> uses).</summary>
    internal static string Name(MockOperation operation) => operation switch
    {
        MockOperation.Save => StorageOperation.Save,
        MockOperation.Load => StorageOperation.Load,
        MockOperation.Stat => StorageOperation.Stat,
        MockOperation.Exists => StorageOperation.Exists,
        MockOperation.Delete => StorageOperation.Delete,
        MockOperation.List => StorageOperation.List,
        MockOperation.Copy => StorageOperation.Copy,
        MockOperation.Move => StorageOperation.Move,
        _ => StorageOperation.Info,
    };
}
