namespace Atomiton.Storage.OAuth;

/// <summary>The authority refused a refresh token (<c>invalid_grant</c>): the user must sign in again. The message never carries the token.</summary>
public sealed class OAuthGrantException : Exception
{
    /// <summary>Creates the error.</summary>
    public OAuthGrantException() : this("the refresh token was refused")
    {
    }

    /// <summary>Creates the error with what was refused.</summary>
    public OAuthGrantException(string message) : base(message)
    {
    }

    /// <summary>Creates the error with what was refused and why.</summary>
    public OAuthGrantException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
