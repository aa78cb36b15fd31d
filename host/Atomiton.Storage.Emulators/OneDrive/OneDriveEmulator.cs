namespace Atomiton.Storage.Emulators.OneDrive;

/// <summary><c>emulate onedrive</c>: a Microsoft Graph drive (driveItem API, upload sessions, delta, $batch) with Microsoft identity platform v2.0 sign-in, on loopback.</summary>
public sealed class OneDriveEmulator : IStorageEmulator
{
    /// <inheritdoc />
    public string Name => "onedrive";

    /// <inheritdoc />
    public string Description => "A Microsoft Graph v1.0 drive (driveItem, :/path: addressing, upload sessions, copy monitors, delta, $batch) with Microsoft identity platform v2.0 sign-in (device code, PKCE) for client 'test-client' on an https authority whose self-signed certificate the onedrive stage pins (authorityCertificateThumbprint); approve a device code at <authority>/device?user_code=CODE.";

    /// <inheritdoc />
    public async Task<RunningEmulator> StartAsync(EmulatorStartOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = await GraphDriveServer.StartAsync(new GraphDriveOptions { Port = options.Port }, cancellationToken);
        return new RunningEmulator(
            Name,
            [
                new("api", server.GraphBaseUrl),
                new("content", server.ContentBase),
                new("authority", server.AuthorityHost),
                new("device", new Uri(server.AuthorityHost, "device")),
            ],
            [
                new("clientId", "test-client"),
                new("graphBaseUrl", server.GraphBaseUrl.ToString()),
                new("authorityHost", server.AuthorityHost.ToString()),
                new("authorityCertificateThumbprint", server.AuthorityCertificateThumbprint),
            ],
            server.DisposeAsync);
    }
}
