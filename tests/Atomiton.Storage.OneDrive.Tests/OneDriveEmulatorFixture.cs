using Atomiton.Storage.Emulators.OneDrive;
using Atomiton.Storage.Plugins.OneDrive;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.OneDrive.Tests;

/// <summary>Starts emulators and connects engines to them with a fixed token (the sign-in tests use the OAuth endpoints instead).</summary>
internal static class OneDriveEmulatorFixture
{
    public const string Token = "test-access-token";

    public static async Task<GraphDriveServer> StartAsync(GraphDriveOptions? options = null)
    {
        var server = await GraphDriveServer.StartAsync(options);
        server.AddAccessToken(Token);
        return server;
    }

    public static OneDriveOptions Options(GraphDriveServer server, OneDriveNameMode mode = OneDriveNameMode.Native) => new()
    {
        ClientId = "test-client",
        GraphBaseUrl = server.GraphBaseUrl.ToString(),
        AuthorityHost = server.AuthorityHost.ToString(),
        AuthorityCertificateThumbprint = server.AuthorityCertificateThumbprint,
        NameMode = mode,
        SimpleUploadLimit = OneDriveOptions.FragmentUnit,
        ChunkSize = OneDriveOptions.FragmentUnit,
        RetryDelay = TimeSpan.FromMilliseconds(50),
    };

    public static async Task<OneDriveEngine> ConnectAsync(GraphDriveServer server, OneDriveOptions? options = null, IOneDriveTokenSourceForTests? tokens = null, HttpMessageHandler? transport = null) =>
        await OneDriveEngine.ConnectAsync(options ?? Options(server), Context(), tokens ?? new FixedTokens(Token), transport, CancellationToken.None);

    public static StorageProviderContext Context() => new() { PipelineName = "tests", StageName = "drive" };
}

/// <summary>A token source for tests: a fixed token, renewed to another fixed token on a 401.</summary>
internal interface IOneDriveTokenSourceForTests : IOneDriveTokenSource
{
}

internal sealed class FixedTokens(string token, string? renewed = null) : IOneDriveTokenSourceForTests
{
    public int Renewals { get; private set; }

    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Renewals > 0 && renewed is not null ? renewed : token);

    public ValueTask<string> RenewAsync(string rejected, CancellationToken cancellationToken)
    {
        Renewals++;
        return renewed is null
            ? throw StorageException.AuthorizationRequired("tests", "drive", "the refresh token was revoked", OneDriveProvider.TypeName)
            : ValueTask.FromResult(renewed);
    }
}
