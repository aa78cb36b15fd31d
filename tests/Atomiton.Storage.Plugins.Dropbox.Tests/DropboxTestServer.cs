using Atomiton.Storage.Testing;
using Atomiton.Storage.Emulators.Dropbox;
using Atomiton.Storage.OAuth;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Dropbox.Tests;

/// <summary>A Dropbox emulator and the ways tests connect the plugin to it (a signed-in credential store, options pointing at its hosts).</summary>
public sealed class DropboxTestServer : IAsyncDisposable
{
    private DropboxTestServer(DropboxServer server) => Server = server;

    public DropboxServer Server { get; }

    internal MemoryCredentialStore Credentials { get; } = new();

    public static async Task<DropboxTestServer> StartAsync(DropboxEmulatorOptions? options = null) =>
        new(await DropboxServer.StartAsync(options));

    /// <summary>Options for the emulator's hosts.</summary>
    public DropboxOptions Options(DropboxNameMode mode = DropboxNameMode.Native, string root = "") => new()
    {
        AppKey = Server.AppKey,
        NameMode = mode,
        Root = root,
        ChunkSize = 256 * 1024,
        ApiAddress = Server.ApiAddress.ToString(),
        ContentAddress = Server.ContentAddress.ToString(),
        NotifyAddress = Server.ApiAddress.ToString(),
        AuthorizeAddress = Server.AuthorizeEndpoint.ToString(),
        TokenAddress = Server.TokenEndpoint.ToString(),
        RetryDelay = TimeSpan.FromMilliseconds(10),
    };

    internal StorageProviderContext Context(IStorageAuthorizationPrompt? prompt = null, TimeProvider? time = null, IStorageLogger? logger = null) => new()
    {
        PipelineName = "tests",
        StageName = "dropbox",
        Credentials = Credentials,
        AuthorizationPrompt = prompt,
        TimeProvider = time ?? TimeProvider.System,
        Logger = logger ?? NullStorageLogger.Instance,
    };

    /// <summary>Stores a signed-in user's tokens (issued by the emulator) in <see cref="Credentials"/>.</summary>
    public async Task SignInDirectlyAsync()
    {
        if (Credentials.Peek(OAuthSession.CredentialName) is not null)
        {
            return;
        }

        var (access, refresh) = Server.IssueTokens();
        await Credentials.WriteAsync(OAuthSession.CredentialName, new OAuthTokens(access, refresh, DateTimeOffset.UtcNow.AddHours(4)).ToJson(), IStorageCredentialStore.AnyVersion);
    }

    /// <summary>A signed-in engine over the emulator.</summary>
    public async Task<DropboxEngine> ConnectAsync(DropboxOptions? options = null, HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        await SignInDirectlyAsync();
        return await DropboxEngine.ConnectAsync(options ?? Options(), Context(time: time), handler, CancellationToken.None);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
