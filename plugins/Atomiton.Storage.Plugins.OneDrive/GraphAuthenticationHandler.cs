using System.Net;
using System.Net.Http.Headers;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>
/// Puts the bearer token on requests to the Graph host only (never on download, upload or monitor
/// addresses, which are pre-authenticated and on other hosts), and on a 401 renews the token once and
/// sends the request again; a second 401 is returned as it is (AuthenticationFailed).
/// </summary>
internal sealed class GraphAuthenticationHandler(IOneDriveTokenSource tokens, string graphHost) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!string.Equals(request.RequestUri?.Host, graphHost, StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.Authorization = null;
            return await base.SendAsync(request, cancellationToken);
        }

        string token = await tokens.GetAccessTokenAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !GraphRetryHandler.CanResend(request))
        {
            return response;
        }

        response.Dispose();
        string renewed = await tokens.RenewAsync(token, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", renewed);
        return await base.SendAsync(request, cancellationToken);
    }
}
