using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.OAuth;

/// <summary>
/// The OAuth 2 protocol over an <see cref="HttpClient"/> (from <c>IHttpClientFactory</c> in an
/// application): sign-in by authorization code with PKCE S256 and a loopback redirect (RFC 6749
/// §4.1, RFC 7636, RFC 8252), by device authorization (RFC 8628), or by a pasted code (Dropbox's
/// no-redirect flow); refresh; revocation (RFC 7009). Stateless and thread-safe; errors never carry
/// a token, code or client secret.
/// </summary>
public sealed class OAuthClient(HttpClient http, OAuthEndpoints endpoints, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>The authority and client this talks to.</summary>
    public OAuthEndpoints Endpoints => endpoints;

    /// <summary>Signs in in a browser: the host listens on a loopback address, the user consents, the code comes back to it and is exchanged with its PKCE verifier.</summary>
    /// <exception cref="StorageException">AuthenticationFailed when the user or authority refused, or the redirect's state does not match (a forged redirect).</exception>
    public async ValueTask<OAuthTokens> SignInWithBrowserAsync(IStorageAuthorizationPrompt prompt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        string verifier = RandomString(32);
        string state = RandomString(16);
        Uri? redirect = null;
        var received = await prompt.AuthorizeInBrowserAsync(uri => AuthorizationUri(verifier, redirect = uri, state), cancellationToken);
        var query = ParseQuery(received.Query);
        if (query.TryGetValue("error", out string? error))
        {
            throw Refused($"the authority answered '{error}'{(query.TryGetValue("error_description", out string? d) ? ": " + d : "")}");
        }

        if (!query.TryGetValue("state", out string? returned) || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(returned), Encoding.ASCII.GetBytes(state)))
        {
            throw Refused("the redirect's state does not match the one sent (a forged or stale redirect); nothing was stored");
        }

        if (!query.TryGetValue("code", out string? code) || redirect is null)
        {
            throw Refused("the redirect carries no authorization code");
        }

        return await ExchangeCodeAsync(code, verifier, redirect, cancellationToken);
    }

    /// <summary>Signs in without a redirect: the user opens the address, consents, and pastes the code the authority shows.</summary>
    public async ValueTask<OAuthTokens> SignInWithPastedCodeAsync(IStorageAuthorizationPrompt prompt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        string verifier = RandomString(32);
        string code = (await prompt.AskForCodeAsync(AuthorizationUri(verifier, redirect: null, state: null), cancellationToken)).Trim();
        if (code.Length == 0)
        {
            throw Refused("no code was entered");
        }

        return await ExchangeCodeAsync(code, verifier, redirect: null, cancellationToken);
    }

    /// <summary>Signs in by device authorization: shows a code to enter on another device, then polls at the authority's interval (five seconds slower after each <c>slow_down</c>).</summary>
    /// <exception cref="StorageException">AuthenticationFailed when denied or the code expired; UnsupportedOperation when the authority has no device flow.</exception>
    public async ValueTask<OAuthTokens> SignInWithDeviceCodeAsync(IStorageAuthorizationPrompt prompt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var endpoint = endpoints.DeviceAuthorizationEndpoint
            ?? throw new StorageException(StorageErrorCode.UnsupportedOperation, "This authority offers no device sign-in; sign in in a browser instead (drop --device).");
        using var device = await PostAsync(endpoint, Parameters(("scope", Scope())), cancellationToken);
        if (device.Error is not null)
        {
            throw Refused($"the device authorization was refused ('{device.Error}')");
        }

        var root = device.Body!.Value;
        string deviceCode = root.GetProperty("device_code").GetString()!;
        var interval = TimeSpan.FromSeconds(root.TryGetProperty("interval", out var i) ? i.GetInt32() : 5);
        var expiresAt = _time.GetUtcNow().AddSeconds(root.GetProperty("expires_in").GetInt32());
        string verification = (root.TryGetProperty("verification_uri", out var v) ? v : root.GetProperty("verification_url")).GetString()!;
        await prompt.ShowDeviceCodeAsync(new Uri(verification), root.GetProperty("user_code").GetString()!, expiresAt, cancellationToken);
        while (true)
        {
            await Task.Delay(interval, _time, cancellationToken);
            using var poll = await PostAsync(endpoints.TokenEndpoint, Parameters(("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", deviceCode)), cancellationToken);
            switch (poll.Error)
            {
                case null:
                    return Tokens(poll.Body!.Value, previousRefreshToken: null);
                case "authorization_pending":
                    continue;
                case "slow_down":
                    interval += TimeSpan.FromSeconds(5);
                    continue;
                case "expired_token":
                    throw Refused("the device code expired before it was approved; start again");
                case "access_denied":
                    throw Refused("the sign-in was denied on the other device");
                default:
                    throw Refused($"the authority answered '{poll.Error}'");
            }
        }
    }

    /// <summary>Exchanges a refresh token. The result keeps <paramref name="refreshToken"/> when the authority did not rotate it.</summary>
    /// <exception cref="OAuthGrantException">The authority refused the refresh token (<c>invalid_grant</c>: revoked, expired or already rotated).</exception>
    public async ValueTask<OAuthTokens> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        using var response = await PostAsync(endpoints.TokenEndpoint, Parameters(("grant_type", "refresh_token"), ("refresh_token", refreshToken)), cancellationToken);
        return response.Error switch
        {
            null => Tokens(response.Body!.Value, refreshToken),
            "invalid_grant" => throw new OAuthGrantException("the refresh token was revoked, expired or already used"),
            _ => throw Refused($"the refresh was refused ('{response.Error}')"),
        };
    }

    /// <summary>Revokes a token (RFC 7009); does nothing when the authority has no revocation endpoint.</summary>
    /// <returns>True when the authority confirmed.</returns>
    public async ValueTask<bool> RevokeAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        if (endpoints.RevocationEndpoint is not { } endpoint)
        {
            return false;
        }

        using var response = await PostAsync(endpoint, Parameters(("token", token)), cancellationToken);
        return response.Error is null;
    }

    private Uri AuthorizationUri(string verifier, Uri? redirect, string? state)
    {
        var parameters = new List<(string, string)>
        {
            ("response_type", "code"),
            ("client_id", endpoints.ClientId),
            ("code_challenge", Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))),
            ("code_challenge_method", "S256"),
        };
        if (redirect is not null)
        {
            parameters.Add(("redirect_uri", redirect.ToString()));
        }

        if (state is not null)
        {
            parameters.Add(("state", state));
        }

        if (endpoints.Scopes.Count > 0)
        {
            parameters.Add(("scope", Scope()));
        }

        parameters.AddRange(endpoints.AuthorizationParameters.Select(p => (p.Key, p.Value)));
        string query = string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2)));
        var builder = new UriBuilder(endpoints.AuthorizationEndpoint);
        builder.Query = string.IsNullOrEmpty(builder.Query) ? query : builder.Query.TrimStart('?') + "&" + query;
        return builder.Uri;
    }

    private async ValueTask<OAuthTokens> ExchangeCodeAsync(string code, string verifier, Uri? redirect, CancellationToken cancellationToken)
    {
        var parameters = Parameters(("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier));
        if (redirect is not null)
        {
            parameters.Add(("redirect_uri", redirect.ToString()));
        }

        using var response = await PostAsync(endpoints.TokenEndpoint, parameters, cancellationToken);
        return response.Error is null
            ? Tokens(response.Body!.Value, previousRefreshToken: null)
            : throw Refused($"the authorization code was refused ('{response.Error}')");
    }

    private List<(string, string)> Parameters(params (string, string)[] parameters)
    {
        var list = new List<(string, string)>(parameters) { ("client_id", endpoints.ClientId) };
        if (endpoints.ClientSecret is not null)
        {
            list.Add(("client_secret", endpoints.ClientSecret));
        }

        return list;
    }

    private async ValueTask<TokenResponse> PostAsync(Uri endpoint, List<(string, string)> parameters, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(parameters.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new StorageException(StorageErrorCode.NetworkError, $"The authority at {endpoint.GetLeftPart(UriPartial.Path)} could not be reached: {e.Message}", e);
        }

        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonDocument? document = null;
            try
            {
                document = body.Length == 0 ? null : JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
            }

            if (response.IsSuccessStatusCode)
            {
                return new TokenResponse(document, null);
            }

            string? error = document?.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
            document?.Dispose();
            if (error is null)
            {
                var code = response.StatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError ? StorageErrorCode.NetworkError : StorageErrorCode.AuthenticationFailed;
                throw new StorageException(code, $"The authority at {endpoint.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} without an OAuth error.");
            }

            return new TokenResponse(null, error);
        }
    }

    private OAuthTokens Tokens(JsonElement root, string? previousRefreshToken) =>
        new(root.GetProperty("access_token").GetString()!,
            root.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : previousRefreshToken,
            _time.GetUtcNow().AddSeconds(root.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 3600),
            root.TryGetProperty("scope", out var scope) ? scope.GetString() : null);

    private string Scope() => string.Join(' ', endpoints.Scopes);

    private static Dictionary<string, string> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .GroupBy(pair => Uri.UnescapeDataString(pair[0].Replace('+', ' ')), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Length > 1 ? Uri.UnescapeDataString(g.First()[1].Replace('+', ' ')) : "", StringComparer.Ordinal);

    private static string RandomString(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static StorageException Refused(string what) =>
        new(StorageErrorCode.AuthenticationFailed, $"The sign-in did not complete: {what}.");

    private sealed class TokenResponse(JsonDocument? document, string? error) : IDisposable
    {
        public JsonElement? Body => document?.RootElement;

        public string? Error => error;

        public void Dispose() => document?.Dispose();
    }
}
