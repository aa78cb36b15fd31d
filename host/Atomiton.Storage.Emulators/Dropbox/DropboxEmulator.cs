namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary><c>emulate dropbox</c>: the Dropbox API v2 emulator (RPC and content hosts, OAuth with PKCE), app key <c>test-app-key</c>.</summary>
public sealed class DropboxEmulator : IStorageEmulator
{
    /// <inheritdoc />
    public string Name => "dropbox";

    /// <inheritdoc />
    public string Description => "Dropbox API v2 (files, upload sessions, list_folder cursors and long poll, 409/429 errors) with OAuth 2 PKCE; app key 'test-app-key'.";

    /// <inheritdoc />
    public async Task<RunningEmulator> StartAsync(EmulatorStartOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = await DropboxServer.StartAsync(new DropboxEmulatorOptions { Port = options.Port }, cancellationToken);
        return new RunningEmulator(
            Name,
            [
                new("api", server.ApiAddress),
                new("content", server.ContentAddress),
                new("authorize", server.AuthorizeEndpoint),
                new("token", server.TokenEndpoint),
            ],
            [
                new("appKey", server.AppKey),
                new("apiAddress", server.ApiAddress.ToString()),
                new("contentAddress", server.ContentAddress.ToString()),
                new("authorizeAddress", server.AuthorizeEndpoint.ToString()),
                new("tokenAddress", server.TokenEndpoint.ToString()),
            ],
            server.DisposeAsync);
    }
}
