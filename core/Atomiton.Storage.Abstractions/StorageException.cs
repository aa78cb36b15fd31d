namespace Atomiton.Storage;

/// <summary>
/// The one exception type storage operations throw (besides <see cref="OperationCanceledException"/>
/// for cancellation and <see cref="ArgumentNullException"/> for null arguments). It carries a
/// <see cref="Code"/>, whether retrying may help, and the provider, operation and key involved.
/// Messages never contain secrets or content.
/// </summary>
public sealed class StorageException : Exception
{
    /// <summary>Creates an error with a code and a message that says what went wrong and what to do.</summary>
    /// <param name="code">What went wrong.</param>
    /// <param name="message">What went wrong and what to do about it.</param>
    /// <param name="innerException">The backend's own error, if any.</param>
    public StorageException(StorageErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        IsTransient = IsTransientByDefault(code);
    }

    /// <summary>Creates an unknown error. Prefer the constructor that takes a code.</summary>
    public StorageException() : this(StorageErrorCode.Unknown, "A storage operation failed.")
    {
    }

    /// <summary>Creates an unknown error. Prefer the constructor that takes a code.</summary>
    public StorageException(string message) : this(StorageErrorCode.Unknown, message)
    {
    }

    /// <summary>Creates an unknown error. Prefer the constructor that takes a code.</summary>
    public StorageException(string message, Exception innerException)
        : this(StorageErrorCode.Unknown, message, innerException)
    {
    }

    /// <summary>What went wrong.</summary>
    public StorageErrorCode Code { get; }

    /// <summary>True when the same operation may succeed if retried (network errors, throttling, timeouts).</summary>
    public bool IsTransient { get; init; }

    /// <summary>The provider (engine type) that raised the error, such as <c>filesystem</c>.</summary>
    public string? Provider { get; init; }

    /// <summary>The operation that failed, such as <c>save</c> or <c>list</c>.</summary>
    public string? Operation { get; init; }

    /// <summary>The key (or prefix) involved, when there is one.</summary>
    public string? Key { get; init; }

    /// <summary>For <see cref="StorageErrorCode.RateLimited"/>: how long the backend asked callers to wait.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// True when the error was transient but persisted after a retry stage's attempts (OpenDAL's
    /// "persistent"): <see cref="IsTransient"/> is then false, so stacked retry or failover stages do
    /// not multiply attempts. The message says how many attempts were made.
    /// </summary>
    public bool IsPersistent { get; init; }

    /// <summary>For <see cref="StorageErrorCode.CursorExpired"/>: whether the caller's state derived from earlier changes can be trusted.</summary>
    public ChangeCursorTrust? CursorTrust { get; init; }

    /// <summary>Whether errors with this code are transient unless said otherwise.</summary>
    public static bool IsTransientByDefault(StorageErrorCode code) =>
        code is StorageErrorCode.NetworkError or StorageErrorCode.RateLimited or StorageErrorCode.Timeout;

    /// <summary>The key was not found.</summary>
    public static StorageException NotFound(string key, string? provider = null, string? operation = null) =>
        new(StorageErrorCode.NotFound, $"No object is stored under key '{key}'. Check the key, or list the prefix to see what exists.")
        { Key = key, Provider = provider, Operation = operation };

    /// <summary>A conditional write failed because the key already exists.</summary>
    public static StorageException AlreadyExists(string key, string? provider = null, string? operation = null) =>
        new(StorageErrorCode.Conflict, $"Key '{key}' already exists and the write was create-only; nothing was changed. Load it and write with its ETag to replace it.")
        { Key = key, Provider = provider, Operation = operation };

    /// <summary>A conditional write or delete failed because the current ETag differs from the expected one.</summary>
    public static StorageException ETagMismatch(string key, string expectedETag, string? provider = null, string? operation = null) =>
        new(StorageErrorCode.Conflict, $"Key '{key}' changed since ETag {expectedETag} was read (or no longer exists); nothing was changed. Reload it and retry with the current ETag.")
        { Key = key, Provider = provider, Operation = operation };

    /// <summary>The engine does not support an operation.</summary>
    public static StorageException Unsupported(string operation, string provider, string? detail = null) =>
        new(StorageErrorCode.UnsupportedOperation, $"The '{provider}' engine does not support {operation}{(detail is null ? "" : ": " + detail)}. Check its capabilities with GetInfoAsync, or put a stage that provides it in the pipeline.")
        { Provider = provider, Operation = operation };

    /// <summary>Builds a copy of this error that also names the provider, operation and key, keeping what it already names.</summary>
    public StorageException WithContext(string? provider, string? operation, string? key) =>
        Provider is not null && Operation is not null && (Key is not null || key is null)
            ? this
            : new StorageException(Code, Message, InnerException ?? this)
            {
                IsTransient = IsTransient,
                Provider = Provider ?? provider,
                Operation = Operation ?? operation,
                Key = Key ?? key,
                RetryAfter = RetryAfter,
                IsPersistent = IsPersistent,
                CursorTrust = CursorTrust,
            };

    /// <summary>
    /// This error after a retry stage gave up: not transient any more, marked <see cref="IsPersistent"/>,
    /// with the number of attempts added to the message; the original is the inner exception.
    /// </summary>
    public StorageException AsPersistent(int attempts) =>
        new(Code, $"{Message} (gave up after {attempts} attempts; the failure persisted, so retrying at once will not help)", this)
        {
            IsTransient = false,
            IsPersistent = true,
            Provider = Provider,
            Operation = Operation,
            Key = Key,
            RetryAfter = RetryAfter,
            CursorTrust = CursorTrust,
        };

    /// <summary>A valid key this engine cannot store (<see cref="StorageErrorCode.UnrepresentableKey"/>).</summary>
    public static StorageException Unrepresentable(string key, string reason, string? provider = null, string? operation = null) =>
        new(StorageErrorCode.UnrepresentableKey, $"Key '{key}' cannot be stored by the '{provider ?? "storage"}' engine: {reason}. Nothing was changed; choose a key within the engine's key rules (GetInfoAsync().KeyRules) or put a stage that encodes names in front of it.")
        { Key = key, Provider = provider, Operation = operation };

    /// <summary>The command that signs a stage in: <c>atomiton-storage auth login &lt;pipeline&gt;/&lt;stage&gt;</c>.</summary>
    public static string SignInCommand(string pipeline, string stage) => $"atomiton-storage auth login {pipeline}/{stage}";

    /// <summary>
    /// A stage needs an interactive sign-in it does not have (<see cref="StorageErrorCode.AuthorizationRequired"/>):
    /// never signed in, the refresh token was revoked or expired, or consent was withdrawn. The message
    /// names the pipeline, the stage and the exact command to run. Not transient: retrying will not help.
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="stage">The stage that needs the sign-in.</param>
    /// <param name="reason">Why, without secrets.</param>
    /// <param name="provider">The provider's name, when known.</param>
    public static StorageException AuthorizationRequired(string pipeline, string stage, string reason, string? provider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(pipeline);
        ArgumentException.ThrowIfNullOrEmpty(stage);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(StorageErrorCode.AuthorizationRequired, $"Stage '{stage}' of pipeline '{pipeline}' needs a sign-in: {reason}. Run `{SignInCommand(pipeline, stage)}` (add --device on a machine without a browser), then retry.")
        { Provider = provider };
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var context = $"[{Code}{(IsTransient ? ", transient" : "")}{(IsPersistent ? ", persistent" : "")}{(Provider is null ? "" : ", provider=" + Provider)}{(Operation is null ? "" : ", operation=" + Operation)}{(Key is null ? "" : ", key=" + Key)}]";
        return context + " " + base.ToString();
    }
}
