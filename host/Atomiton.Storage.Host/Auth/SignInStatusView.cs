using System.Globalization;
using Atomiton.Storage.Hosting;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Host.Auth;

/// <summary>One stage's sign-in as <c>auth status</c> and <c>auth login</c> print it (<c>--json</c> shape in docs/cli.md); never a token.</summary>
internal sealed record SignInStatusView(
    string Pipeline,
    string Stage,
    string Type,
    bool SignedIn,
    string? Account,
    DateTimeOffset? ExpiresAt,
    bool CanRefresh,
    IReadOnlyList<string> Scopes,
    string? Authority,
    string? Detail,
    string? Error)
{
    public static SignInStatusView Of(StorageStage stage, StorageSignInStatus status) =>
        new(stage.PipelineName, stage.StageName, stage.ProviderName, status.SignedIn, status.Account, status.AccessTokenExpiresAt, status.CanRefresh,
            status.Scopes, status.Authority?.ToString(), status.Detail, null);

    public static SignInStatusView Failed(StorageStage stage, StorageException error) =>
        new(stage.PipelineName, stage.StageName, stage.ProviderName, false, null, null, false, [], null, error.Message, error.Code.ToString());

    /// <summary>One line for the text table's "state" column.</summary>
    public string State => SignedIn ? "signed in" : Error is null ? "signed out" : "error";

    public string Expiry => ExpiresAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";
}
