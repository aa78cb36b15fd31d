using Atomiton.Storage.Testing;
using Atomiton.Storage.Emulators.GoogleDrive;
using Atomiton.Storage.Plugins.GoogleDrive;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.GoogleDrive.Tests;

/// <summary>
/// A Drive emulator with its OAuth authority and one signed-in stage (through the provider's
/// sign-in, as <c>auth login</c> runs it), for tests that connect the plugin to it.
/// </summary>
public sealed class DriveTestEnvironment : IAsyncDisposable
{
    private DriveTestEnvironment(GoogleDriveWithAuthority emulator, MemoryCredentialStore credentials)
    {
        Emulator = emulator;
        Credentials = credentials;
    }

    public GoogleDriveWithAuthority Emulator { get; }

    public LoopbackDriveServer Drive => Emulator.Drive;

    public MemoryCredentialStore Credentials { get; }

    /// <summary>Starts an emulator and signs a stage in.</summary>
    public static async Task<DriveTestEnvironment> StartAsync(LoopbackDriveServerOptions? options = null)
    {
        var emulator = await GoogleDriveWithAuthority.StartAsync(options);
        var environment = new DriveTestEnvironment(emulator, new MemoryCredentialStore());
        await new GoogleDriveProvider().SignInAsync(environment.Options(), environment.Context(new PlayedUser()), StorageSignInFlow.Browser);
        return environment;
    }

    /// <summary>The stage's options for this emulator: fast pacing and short back-off, small chunks.</summary>
    public GoogleDriveOptions Options(Action<GoogleDriveOptions>? configure = null)
    {
        var options = new GoogleDriveOptions
        {
            ClientId = GoogleDriveEmulator.ClientId,
            ClientSecret = GoogleDriveEmulator.ClientSecret,
            BaseUri = Drive.ApiBase.ToString(),
            AuthorizationEndpoint = Emulator.Authority.AuthorizeEndpoint.ToString(),
            TokenEndpoint = Emulator.Authority.TokenEndpoint.ToString(),
            RevokeEndpoint = Emulator.Authority.RevokeEndpoint.ToString(),
            ChunkSize = 256 * 1024,
            MultipartThreshold = 256 * 1024,
            RequestsPerSecond = 10_000,
            RetryDelay = TimeSpan.FromMilliseconds(5),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        return options;
    }

    public StorageProviderContext Context(IStorageAuthorizationPrompt? prompt = null, IStorageCredentialStore? credentials = null, TimeProvider? time = null) => new()
    {
        PipelineName = "tests",
        StageName = "drive",
        Credentials = credentials ?? Credentials,
        AuthorizationPrompt = prompt,
        TimeProvider = time ?? TimeProvider.System,
    };

    /// <summary>Builds the stage as the host would.</summary>
    public async Task<GoogleDriveEngine> ConnectAsync(Action<GoogleDriveOptions>? configure = null) =>
        (GoogleDriveEngine)await new GoogleDriveProvider().CreateAsync(Options(configure), Context());

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}
