using Atomiton.Storage;
using Atomiton.Storage.OAuth;
using Atomiton.Storage.Providers;

namespace OAuthPlugin;

/// <summary>
/// A provider whose service signs users in: the engine needs the stage's OAuth session (tokens in the
/// stage's credential store), and <c>atomiton-storage auth login|status|logout</c> reach it through
/// <see cref="IStorageSignInProvider"/>.
/// </summary>
public sealed class OAuthProbeProvider : StorageProvider<OAuthProbeOptions>, IStorageSignInProvider
{
    public override string Name => "oauth-probe";

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Keeps objects as files; every call shows a bearer token to an OAuth authority's /me (test plugin).";

    public IReadOnlyList<StorageSignInFlow> SignInFlows { get; } = [StorageSignInFlow.Browser, StorageSignInFlow.DeviceCode, StorageSignInFlow.PastedCode];

    protected override ValueTask<IStorageEngine> CreateAsync(OAuthProbeOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        // Nothing is checked here: the first call fails with AuthorizationRequired when the stage was never signed in.
        var http = new HttpClient();
        var session = new OAuthSession(new OAuthClient(http, Endpoints(options), context.TimeProvider), context, Name);
        return ValueTask.FromResult<IStorageEngine>(new OAuthProbeEngine(options, session, http));
    }

    public async ValueTask<StorageSignInStatus> SignInAsync(object options, StorageProviderContext context, StorageSignInFlow flow, CancellationToken cancellationToken = default)
    {
        var typed = (OAuthProbeOptions)options;
        using var http = new HttpClient();
        using var session = new OAuthSession(new OAuthClient(http, Endpoints(typed), context.TimeProvider), context, Name);
        await session.SignInAsync(flow switch
        {
            StorageSignInFlow.Browser => OAuthFlow.Browser,
            StorageSignInFlow.DeviceCode => OAuthFlow.DeviceCode,
            StorageSignInFlow.PastedCode => OAuthFlow.PastedCode,
            _ => throw new StorageException(StorageErrorCode.UnsupportedOperation, $"The {Name} provider cannot sign in by {flow}.") { Provider = Name },
        }, cancellationToken);
        context.Logger.Log(StorageLogLevel.Information, $"Signed in by {flow}.");
        return await StatusAsync(typed, session, http, context, cancellationToken);
    }

    public async ValueTask<StorageSignInStatus> GetSignInStatusAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default)
    {
        var typed = (OAuthProbeOptions)options;
        using var http = new HttpClient();
        using var session = new OAuthSession(new OAuthClient(http, Endpoints(typed), context.TimeProvider), context, Name);
        return await StatusAsync(typed, session, http, context, cancellationToken);
    }

    public async ValueTask<bool> SignOutAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient();
        using var session = new OAuthSession(new OAuthClient(http, Endpoints((OAuthProbeOptions)options), context.TimeProvider), context, Name);
        return await session.SignOutAsync(cancellationToken);
    }

    internal static OAuthEndpoints Endpoints(OAuthProbeOptions options)
    {
        var authority = options.Authority!;
        return new OAuthEndpoints
        {
            AuthorizationEndpoint = new Uri(authority, "authorize"),
            TokenEndpoint = new Uri(authority, "token"),
            DeviceAuthorizationEndpoint = new Uri(authority, "device/code"),
            RevocationEndpoint = new Uri(authority, "revoke"),
            ClientId = options.ClientId,
            ClientSecret = options.ClientSecret,
            Scopes = ["files.readwrite"],
        };
    }

    // Who is signed in comes from the service (/me), which also proves the tokens work (refreshing them if due).
    private async ValueTask<StorageSignInStatus> StatusAsync(OAuthProbeOptions options, OAuthSession session, HttpClient http, StorageProviderContext context, CancellationToken cancellationToken)
    {
        if (await session.PeekAsync(cancellationToken) is null)
        {
            return new StorageSignInStatus { SignedIn = false, Authority = options.Authority, Detail = $"not signed in: run `{StorageException.SignInCommand(context.PipelineName, context.StageName)}`" };
        }

        string account;
        try
        {
            account = await OAuthProbeEngine.WhoAmIAsync(http, new Uri(options.Authority!, "me"), session, cancellationToken);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.AuthorizationRequired)
        {
            var stale = await session.PeekAsync(cancellationToken);
            return new StorageSignInStatus { SignedIn = false, CanRefresh = stale?.RefreshToken is not null, Authority = options.Authority, Detail = e.Message };
        }

        var tokens = await session.PeekAsync(cancellationToken);
        return new StorageSignInStatus
        {
            SignedIn = true,
            Account = account,
            AccessTokenExpiresAt = tokens?.ExpiresAt,
            CanRefresh = tokens?.RefreshToken is not null,
            Scopes = tokens?.Scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
            Authority = options.Authority,
        };
    }
}
