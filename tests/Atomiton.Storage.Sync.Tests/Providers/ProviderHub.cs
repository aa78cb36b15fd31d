using Atomiton.Storage.Testing;
using Atomiton.Storage.Emulators.Dropbox;
using Atomiton.Storage.Emulators.GoogleDrive;
using Atomiton.Storage.Emulators.OneDrive;
using Atomiton.Storage.Plugins.AzureBlob;
using Atomiton.Storage.Plugins.Dropbox;
using Atomiton.Storage.Plugins.GoogleDrive;
using Atomiton.Storage.Plugins.OneDrive;
using Atomiton.Storage.Providers;
using Atomiton.Storage.TestSupport;

namespace Atomiton.Storage.Sync.Tests.Providers;

/// <summary>
/// A provider engine over its loopback emulator (host/Atomiton.Storage.Emulators, or Azurite for
/// azureblob), built by the plugin's provider (after a sign-in through the provider where it has
/// one), as <c>auth login</c> and the host do. Skips with the reason when Azurite is missing.
/// </summary>
internal sealed class ProviderHub : IAsyncDisposable
{
    private readonly IAsyncDisposable _emulator;

    private ProviderHub(string name, IStorageEngine engine, IAsyncDisposable emulator)
    {
        Name = name;
        Engine = engine;
        _emulator = emulator;
    }

    public string Name { get; }

    public IStorageEngine Engine { get; }

    public static async Task<ProviderHub> StartAsync(string provider)
    {
        var context = new StorageProviderContext { PipelineName = "hub", StageName = provider, Credentials = new MemoryCredentialStore() };
        using var user = new EmulatorUser();
        var signIn = context with { AuthorizationPrompt = user };
        switch (provider)
        {
            case "gdrive":
            {
                var emulator = await GoogleDriveWithAuthority.StartAsync();
                var options = new GoogleDriveOptions
                {
                    ClientId = GoogleDriveEmulator.ClientId,
                    ClientSecret = GoogleDriveEmulator.ClientSecret,
                    BaseUri = emulator.Drive.ApiBase.ToString(),
                    AuthorizationEndpoint = emulator.Authority.AuthorizeEndpoint.ToString(),
                    TokenEndpoint = emulator.Authority.TokenEndpoint.ToString(),
                    RevokeEndpoint = emulator.Authority.RevokeEndpoint.ToString(),
                    RequestsPerSecond = 10_000,
                    RetryDelay = TimeSpan.FromMilliseconds(5),
                    MaxRetryDelay = TimeSpan.FromMilliseconds(50),
                };
                var drive = new GoogleDriveProvider();
                await drive.SignInAsync(options, signIn, StorageSignInFlow.Browser);
                return new ProviderHub(provider, await drive.CreateAsync(options, context), emulator);
            }

            case "onedrive":
            {
                var server = await GraphDriveServer.StartAsync();
                var options = new OneDriveOptions { ClientId = "test-client", GraphBaseUrl = server.GraphBaseUrl.ToString(), AuthorityHost = server.AuthorityHost.ToString(), AuthorityCertificateThumbprint = server.AuthorityCertificateThumbprint, RetryDelay = TimeSpan.FromMilliseconds(50) };
                var onedrive = new OneDriveProvider();
                // The user approves the device code at the emulator's https authority (self-signed: trusted by its thumbprint).
                using var graphUser = new EmulatorUser(server.AuthorityCertificateThumbprint);
                await onedrive.SignInAsync(options, context with { AuthorizationPrompt = graphUser }, StorageSignInFlow.DeviceCode);
                return new ProviderHub(provider, await onedrive.CreateAsync(options, context), server);
            }

            case "dropbox":
            {
                var server = await DropboxServer.StartAsync();
                var options = new DropboxOptions
                {
                    AppKey = server.AppKey,
                    ApiAddress = server.ApiAddress.ToString(),
                    ContentAddress = server.ContentAddress.ToString(),
                    NotifyAddress = server.ApiAddress.ToString(),
                    AuthorizeAddress = server.AuthorizeEndpoint.ToString(),
                    TokenAddress = server.TokenEndpoint.ToString(),
                    RetryDelay = TimeSpan.FromMilliseconds(10),
                };
                var dropbox = new DropboxProvider();
                await dropbox.SignInAsync(options, signIn, StorageSignInFlow.Browser);
                return new ProviderHub(provider, await dropbox.CreateAsync(options, context), server);
            }

            case "azureblob":
            {
                var azurite = await AzuriteProcess.StartAsync();
                Skip.If(azurite is null, AzuriteProcess.Missing);
                try
                {
                    var options = new AzureBlobOptions
                    {
                        Container = "hub" + Guid.NewGuid().ToString("N"),
                        ServiceUrl = azurite!.ServiceUrl,
                        AccountKey = AzuriteProcess.AccountKey,
                        CreateContainer = true,
                        MaxRetries = 2,
                        RetryDelay = TimeSpan.FromMilliseconds(50),
                    };
                    return new ProviderHub(provider, await new AzureBlobProvider().CreateAsync(options, context), azurite);
                }
                catch
                {
                    await azurite!.DisposeAsync();
                    throw;
                }
            }

            default:
                throw new ArgumentException($"No emulator for '{provider}'.", nameof(provider));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await _emulator.DisposeAsync();
    }
}
