namespace Atomiton.Storage.Emulators.OAuth;

/// <summary>How the loopback authority behaves: its one registered client, token lifetimes and rotation.</summary>
public sealed class LoopbackOAuthAuthorityOptions
{
    /// <summary>The registered client's id.</summary>
    public string ClientId { get; init; } = "test-client";

    /// <summary>The client's secret; null for a public client (PKCE only). When set, token requests must carry it.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>How long access tokens live.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Whether each refresh issues a new refresh token and retires the old one (Microsoft, Dropbox short-lived refresh in some apps).</summary>
    public bool RotateRefreshTokens { get; init; } = true;

    /// <summary>How long a device code stays valid.</summary>
    public TimeSpan DeviceCodeLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The polling interval the device flow asks for, in seconds (RFC 8628 §3.2).</summary>
    public int DeviceInterval { get; init; } = 5;

    /// <summary>The loopback port to listen on; 0 (the default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Awaited before each refresh grant is answered, with the refresh token presented (tests hold two
    /// processes' refreshes of one token until both have asked, to race them); null answers at once.
    /// </summary>
    public Func<string, Task>? BeforeRefresh { get; init; }

    /// <summary>
    /// Answers as the Microsoft identity platform v2.0 does where it differs from the RFCs: token responses
    /// carry an <c>id_token</c> (unsigned, with <c>oid</c>, <c>tid</c> and <c>preferred_username</c>) and
    /// <c>client_info</c> (what MSAL keys its cache by); the device-code response carries <c>message</c>; the
    /// device grant is accepted as <c>device_code</c> as well as the RFC 8628 URN; a denied device answers
    /// <c>authorization_declined</c>, and no <c>slow_down</c> is sent (Microsoft documents none).
    /// </summary>
    public bool MicrosoftIdentity { get; init; }

    /// <summary>The clock (tests pass a fake one to expire tokens and codes without waiting).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
