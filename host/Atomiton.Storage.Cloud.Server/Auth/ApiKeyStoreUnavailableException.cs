namespace Atomiton.Storage.Cloud.Server.Auth;

/// <summary>
/// The key file of a store that had keys was removed or cannot be read or parsed, so no key can be
/// checked. The server answers every request that carries a key with 503 until the file is back;
/// the message names the file and is for the operator's log only, never for a caller.
/// </summary>
public sealed class ApiKeyStoreUnavailableException : IOException
{
    /// <summary>Creates the error for one unavailability (<paramref name="change"/> counts the store's changes of state).</summary>
    public ApiKeyStoreUnavailableException(string message, int change, Exception? innerException = null)
        : base(message, innerException) => Change = change;

    /// <summary>
    /// Which change of the store's state this is: the same number for every request refused because
    /// of one removal or one corruption, so the server logs each change once.
    /// </summary>
    public int Change { get; }
}
