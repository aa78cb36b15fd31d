namespace Atomiton.Storage.OAuth;

/// <summary>How a user signs in.</summary>
public enum OAuthFlow
{
    /// <summary>Authorization code with PKCE and a loopback redirect to <c>127.0.0.1</c>.</summary>
    Browser,

    /// <summary>Device authorization (RFC 8628): a code entered on another device.</summary>
    DeviceCode,

    /// <summary>Authorization code with PKCE and no redirect: the user pastes the code (Dropbox).</summary>
    PastedCode,
}
