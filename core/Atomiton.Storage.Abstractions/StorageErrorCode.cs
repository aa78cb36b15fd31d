namespace Atomiton.Storage;

/// <summary>
/// What went wrong in a storage operation. Every engine maps its backend's failures onto these
/// codes, so callers handle one set of errors whatever the backend.
/// </summary>
public enum StorageErrorCode
{
    /// <summary>An error no other code describes; see the inner exception.</summary>
    Unknown = 0,

    /// <summary>The key does not exist (load, stat, copy or move source).</summary>
    NotFound,

    /// <summary>The credentials are valid but do not allow the operation, or a path escapes the engine's root.</summary>
    AccessDenied,

    /// <summary>The account's or engine's configured quota would be exceeded.</summary>
    QuotaExceeded,

    /// <summary>The backend could not be reached or the connection broke. Usually transient.</summary>
    NetworkError,

    /// <summary>Content could not be serialized or deserialized (for example malformed JSON).</summary>
    SerializationError,

    /// <summary>The credentials are missing, expired or wrong.</summary>
    AuthenticationFailed,

    /// <summary>The engine does not support the operation; see <see cref="StorageCapabilities"/>.</summary>
    UnsupportedOperation,

    /// <summary>The device or backend has no space left.</summary>
    StorageFull,

    /// <summary>A conditional write or delete failed: the key exists (create-only) or its ETag changed (if-match).</summary>
    Conflict,

    /// <summary>The backend throttled the request; <see cref="StorageException.RetryAfter"/> may hint when to retry. Transient.</summary>
    RateLimited,

    /// <summary>Stored data is tampered, truncated or corrupt, or was written with another key.</summary>
    Integrity,

    /// <summary>The key (or prefix) breaks the key grammar; the message names the rule.</summary>
    InvalidKey,

    /// <summary>The engine or pipeline configuration is invalid; the message names the pipeline, stage and option.</summary>
    InvalidConfiguration,

    /// <summary>The operation did not finish within its time budget. Transient.</summary>
    Timeout,

    /// <summary>The object is larger than the engine accepts (<see cref="StorageLimits.MaxObjectSize"/>).</summary>
    ObjectTooLarge,

    /// <summary>An argument other than the key is invalid: metadata, a range, an unreadable stream, a copy onto itself.</summary>
    InvalidArgument,

    /// <summary>
    /// A provider broke the contract by throwing something other than a <see cref="StorageException"/>
    /// (a bug in the plugin). The host's stage boundary raises it, naming the provider, stage, pipeline,
    /// operation, key and the original exception's type; the original is the inner exception. Never transient.
    /// </summary>
    PluginFailed,

    /// <summary>
    /// A change-feed cursor is unknown, expired or from another epoch of the store. Not transient: the
    /// caller must enumerate again. <see cref="StorageException.CursorTrust"/> says whether what the
    /// caller derived from earlier changes can still be trusted.
    /// </summary>
    CursorExpired,

    /// <summary>
    /// The key is valid under the API grammar (<see cref="StorageKey"/>) but this engine cannot store it
    /// (too long for its backend, a forbidden character or reserved name; see <see cref="StorageKeyRules"/>).
    /// Nothing was changed; the message names the rule.
    /// </summary>
    UnrepresentableKey,

    /// <summary>
    /// The key names several objects on a backend that allows duplicate names
    /// (<see cref="StorageTraits.DuplicateNames"/>) and the operation cannot apply the documented
    /// resolution rule (for example an if-match write). Run the engine's dedupe to keep one.
    /// </summary>
    AmbiguousKey,

    /// <summary>
    /// Interactive sign-in or consent is needed before the engine can work (no token stored, or the
    /// grant was revoked). Distinct from <see cref="AuthenticationFailed"/> (wrong credentials): the
    /// message names the pipeline, stage and the command that signs in.
    /// </summary>
    AuthorizationRequired,
}
