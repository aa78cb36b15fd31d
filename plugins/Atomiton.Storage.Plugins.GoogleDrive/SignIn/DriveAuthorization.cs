using System.Net;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Http;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// Puts the signed-in user's access token on every request (Google.Apis.Auth's <see cref="UserCredential"/>
/// refreshes it before it expires, writing the new token set through the credential store), and
/// answers a 401 with one refresh and one retry; a second 401 for the same request is not retried
/// (it becomes AuthenticationFailed).
/// </summary>
internal sealed class DriveAuthorization(UserCredential credential) : IConfigurableHttpClientInitializer, IHttpExecuteInterceptor, IHttpUnsuccessfulResponseHandler
{
    private static readonly HttpRequestOptionsKey<bool> Refreshed = new("atomiton.gdrive.refreshed");
    private int _refreshes;

    /// <summary>How many refreshes a 401 caused (tests read it).</summary>
    public int RefreshesAfter401 => Volatile.Read(ref _refreshes);

    public void Initialize(ConfigurableHttpClient httpClient)
    {
        httpClient.MessageHandler.AddExecuteInterceptor(this);
        httpClient.MessageHandler.AddUnsuccessfulResponseHandler(this);
    }

    public async Task InterceptAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string token = await credential.GetAccessTokenForRequestAsync(request.RequestUri?.ToString(), cancellationToken);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    public async Task<bool> HandleResponseAsync(HandleUnsuccessfulResponseArgs args)
    {
        if (args.Response.StatusCode != HttpStatusCode.Unauthorized || args.Request.Options.TryGetValue(Refreshed, out bool done) && done)
        {
            return false;
        }

        args.Request.Options.Set(Refreshed, true);
        Interlocked.Increment(ref _refreshes);
        return await credential.RefreshTokenAsync(args.CancellationToken);
    }
}
