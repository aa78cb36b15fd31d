namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>How the Drive emulator behaves.</summary>
public sealed class LoopbackDriveServerOptions
{
    /// <summary>The loopback port; 0 (the default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The account's storage quota in bytes (<c>about.storageQuota.limit</c>); uploads beyond it get 403 <c>storageQuotaExceeded</c>. Default 15 GiB, as a free account.</summary>
    public long QuotaBytes { get; set; } = 15L * 1024 * 1024 * 1024;

    /// <summary>Where content is kept (one file per version); null for a fresh temporary folder, deleted when the server stops.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// Which bearer tokens are accepted; null accepts any non-empty token (tests that are not about
    /// authentication). <see cref="GoogleDriveEmulator"/> accepts exactly the live access tokens of its OAuth authority.
    /// </summary>
    public Func<string, bool>? AcceptsToken { get; init; }

    /// <summary>How long a resumable upload session lives (Drive: one week).</summary>
    public TimeSpan UploadSessionLifetime { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The clock (file times, session expiry).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
