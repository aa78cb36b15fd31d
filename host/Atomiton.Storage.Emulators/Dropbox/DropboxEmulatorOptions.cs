namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>How the Dropbox emulator behaves: its app, account, limits and clock.</summary>
public sealed class DropboxEmulatorOptions
{
    /// <summary>The app key (OAuth client id) the emulator accepts.</summary>
    public string AppKey { get; init; } = "test-app-key";

    /// <summary>The account's space, in bytes (<c>users/get_space_usage</c>); a write beyond it is <c>insufficient_space</c>. Default 2 GiB.</summary>
    public long SpaceAllocated { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The largest body of one <c>files/upload</c> or upload-session request. Dropbox: 150 MiB.</summary>
    public long MaxUploadBytes { get; init; } = 150L * 1024 * 1024;

    /// <summary>How long access tokens live (Dropbox: four hours).</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(4);

    /// <summary>The loopback port of the API host; 0 (the default) picks a free one. The content host always takes a free port.</summary>
    public int Port { get; init; }

    /// <summary>The clock (tests pass a fake one to expire tokens).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
