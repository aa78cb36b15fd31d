namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>Where the engine gets Graph access tokens: the stage's MSAL sign-in (<see cref="OneDriveSignIn"/>), or a fixed token in tests.</summary>
internal interface IOneDriveTokenSource
{
    /// <summary>A token that should still be valid (refreshed ahead of expiry).</summary>
    ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken);

    /// <summary>Graph refused <paramref name="rejected"/>: a new token (refreshed once), or an exception when there is none.</summary>
    ValueTask<string> RenewAsync(string rejected, CancellationToken cancellationToken);
}
