namespace Atomiton.Storage.Emulators.OAuth;

/// <summary><c>emulate oauth</c>: the loopback OAuth 2 authority alone (public client <c>test-client</c>, PKCE, device flow, revocation).</summary>
public sealed class OAuthAuthorityEmulator : IStorageEmulator
{
    /// <inheritdoc />
    public string Name => "oauth";

    /// <inheritdoc />
    public string Description => "An OAuth 2 authority (RFC 6749 authorization code with RFC 7636 PKCE, RFC 8628 device flow, RFC 7009 revocation) that approves every request; client id 'test-client', no secret.";

    /// <inheritdoc />
    public async Task<RunningEmulator> StartAsync(EmulatorStartOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var authority = await LoopbackOAuthAuthority.StartAsync(new LoopbackOAuthAuthorityOptions { Port = options.Port }, cancellationToken);
        return new RunningEmulator(
            Name,
            [
                new("authority", authority.Address),
                new("authorize", authority.AuthorizeEndpoint),
                new("token", authority.TokenEndpoint),
                new("device", authority.DeviceEndpoint),
                new("revoke", authority.RevokeEndpoint),
            ],
            [new("clientId", "test-client")],
            authority.DisposeAsync);
    }
}
