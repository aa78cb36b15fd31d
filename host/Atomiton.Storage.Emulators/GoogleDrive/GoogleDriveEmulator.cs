using Atomiton.Storage.Emulators.OAuth;

namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>
/// <c>emulate gdrive</c>: the Drive v3 emulator with its own OAuth authority (client id
/// <c>gdrive-emulator</c>, client secret <c>emulator-secret</c>, as Google desktop clients have one);
/// the Drive API accepts exactly the access tokens that authority issued and has not revoked.
/// </summary>
public sealed class GoogleDriveEmulator : IStorageEmulator
{
    /// <summary>The OAuth client id the emulator's authority knows.</summary>
    public const string ClientId = "gdrive-emulator";

    /// <summary>The OAuth client secret of that client (not a secret: Google desktop clients carry one in the app).</summary>
    public const string ClientSecret = "emulator-secret";

    /// <inheritdoc />
    public string Name => "gdrive";

    /// <inheritdoc />
    public string Description => "Google Drive API v3 (files, uploads media/multipart/resumable, alt=media ranges, about, changes, appDataFolder) with its OAuth authority, per Google's published reference.";

    /// <inheritdoc />
    public async Task<RunningEmulator> StartAsync(EmulatorStartOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pair = await GoogleDriveWithAuthority.StartAsync(new LoopbackDriveServerOptions { Port = options.Port }, cancellationToken: cancellationToken);
        return new RunningEmulator(
            Name,
            [
                new("api", pair.Drive.ApiBase),
                new("authorize", pair.Authority.AuthorizeEndpoint),
                new("token", pair.Authority.TokenEndpoint),
                new("revoke", pair.Authority.RevokeEndpoint),
            ],
            [
                new("baseUri", pair.Drive.ApiBase.ToString()),
                new("authorizationEndpoint", pair.Authority.AuthorizeEndpoint.ToString()),
                new("tokenEndpoint", pair.Authority.TokenEndpoint.ToString()),
                new("revokeEndpoint", pair.Authority.RevokeEndpoint.ToString()),
                new("clientId", ClientId),
                new("clientSecret", ClientSecret),
            ],
            pair.DisposeAsync);
    }
}

/// <summary>A Drive emulator and the OAuth authority whose access tokens it accepts; dispose to stop both.</summary>
public sealed class GoogleDriveWithAuthority : IAsyncDisposable
{
    private GoogleDriveWithAuthority(LoopbackDriveServer drive, LoopbackOAuthAuthority authority)
    {
        Drive = drive;
        Authority = authority;
    }

    /// <summary>The Drive API.</summary>
    public LoopbackDriveServer Drive { get; }

    /// <summary>The OAuth authority (client <see cref="GoogleDriveEmulator.ClientId"/> with secret <see cref="GoogleDriveEmulator.ClientSecret"/>, rotating refresh tokens off, as Google does).</summary>
    public LoopbackOAuthAuthority Authority { get; }

    /// <summary>Starts both; <paramref name="driveOptions"/>' <c>AcceptsToken</c> is replaced by the authority's check.</summary>
    public static async Task<GoogleDriveWithAuthority> StartAsync(LoopbackDriveServerOptions? driveOptions = null, LoopbackOAuthAuthorityOptions? authorityOptions = null, CancellationToken cancellationToken = default)
    {
        driveOptions ??= new LoopbackDriveServerOptions();
        var authority = await LoopbackOAuthAuthority.StartAsync(authorityOptions ?? new LoopbackOAuthAuthorityOptions
        {
            ClientId = GoogleDriveEmulator.ClientId,
            ClientSecret = GoogleDriveEmulator.ClientSecret,
            RotateRefreshTokens = false,
        }, cancellationToken);
        try
        {
            var drive = await LoopbackDriveServer.StartAsync(new LoopbackDriveServerOptions
            {
                Port = driveOptions.Port,
                QuotaBytes = driveOptions.QuotaBytes,
                DataDirectory = driveOptions.DataDirectory,
                UploadSessionLifetime = driveOptions.UploadSessionLifetime,
                TimeProvider = driveOptions.TimeProvider,
                AcceptsToken = authority.State.AcceptsAccessToken,
            }, cancellationToken);
            return new GoogleDriveWithAuthority(drive, authority);
        }
        catch
        {
            await authority.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops both.</summary>
    public async ValueTask DisposeAsync()
    {
        await Drive.DisposeAsync();
        await Authority.DisposeAsync();
    }
}
