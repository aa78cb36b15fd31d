namespace Atomiton.Storage.OAuth;

/// <summary>Where an OAuth authority lives and who the client is. Every address is configurable, so tests point them at a loopback authority.</summary>
public sealed record OAuthEndpoints
{
    /// <summary>The authorization endpoint (browser sign-in), such as Dropbox's <c>https://www.dropbox.com/oauth2/authorize</c>.</summary>
    public required Uri AuthorizationEndpoint { get; init; }

    /// <summary>The token endpoint.</summary>
    public required Uri TokenEndpoint { get; init; }

    /// <summary>The device authorization endpoint (RFC 8628); null when the authority has no device flow.</summary>
    public Uri? DeviceAuthorizationEndpoint { get; init; }

    /// <summary>The revocation endpoint (RFC 7009); null when tokens cannot be revoked.</summary>
    public Uri? RevocationEndpoint { get; init; }

    /// <summary>The client (application) id.</summary>
    public required string ClientId { get; init; }

    /// <summary>The client secret for authorities that want one even from installed apps (Google); null for public clients. Never logged.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>The scopes to ask for.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Extra authorization parameters the vendor needs, such as <c>token_access_type=offline</c> (Dropbox) or <c>access_type=offline</c> (Google).</summary>
    public IReadOnlyDictionary<string, string> AuthorizationParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Refresh this long before the access token expires.</summary>
    public TimeSpan RefreshBeforeExpiry { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Hides the client secret.</summary>
    public override string ToString() => $"OAuthEndpoints(token={TokenEndpoint}, client={ClientId})";
}
