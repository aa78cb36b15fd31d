using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Atomiton.Storage.Emulators.OAuth;

/// <summary>The authority's endpoints, per RFC 6749 (§4.1 code, §6 refresh, §5.2 errors), RFC 7636 (S256), RFC 8628 (device) and RFC 7009 (revoke).</summary>
internal sealed class LoopbackOAuthEndpoints(LoopbackOAuthAuthorityState state, LoopbackOAuthAuthorityOptions options)
{
    private DateTimeOffset Now => options.TimeProvider.GetUtcNow();

    public IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        string? redirect = q["redirect_uri"];
        if (q["client_id"] != options.ClientId)
        {
            return Results.BadRequest("unknown client_id");
        }

        if (redirect is not null && !IsLoopback(redirect))
        {
            return Results.BadRequest("redirect_uri must be a loopback address");
        }

        if (q["response_type"] != "code" || q["code_challenge_method"] != "S256" || StringValues.IsNullOrEmpty(q["code_challenge"]))
        {
            return ErrorRedirectOrPage(redirect, q["state"], "invalid_request", "response_type=code with code_challenge_method=S256 and a code_challenge is required");
        }

        string code;
        lock (state.Gate)
        {
            code = state.Issue("code-");
            state.Codes[code] = new LoopbackOAuthAuthorityState.PendingCode(options.ClientId, redirect, q["code_challenge"]!, q["scope"].ToString(), Now.AddMinutes(10));
        }

        if (redirect is null)
        {
            // Dropbox's no-redirect flow: the page shows the code for the user to paste.
            return Results.Text($"Enter this code in the application: {code}", "text/plain");
        }

        string separator = redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        string stateParameter = StringValues.IsNullOrEmpty(q["state"]) ? "" : "&state=" + Uri.EscapeDataString(q["state"]!);
        return Results.Redirect(redirect + separator + "code=" + Uri.EscapeDataString(code) + stateParameter);
    }

    public async Task<IResult> Token(HttpRequest request)
    {
        var p = await ParametersAsync(request);
        if (p("client_id") != options.ClientId || (options.ClientSecret is not null && p("client_secret") != options.ClientSecret))
        {
            return Error("invalid_client", "unknown client or wrong client secret", StatusCodes.Status401Unauthorized);
        }

        if (p("grant_type") == "refresh_token" && options.BeforeRefresh is { } beforeRefresh)
        {
            await beforeRefresh(p("refresh_token") ?? "");
        }

        lock (state.Gate)
        {
            return p("grant_type") switch
            {
                "authorization_code" => CodeGrant(p),
                "refresh_token" => RefreshGrant(p),
                LoopbackOAuthAuthority.DeviceGrant => DeviceGrant(p),
                "device_code" when options.MicrosoftIdentity => DeviceGrant(p), // MSAL's spelling of the device grant
                _ => Error("unsupported_grant_type", "grant_type must be authorization_code, refresh_token or the device code grant"),
            };
        }
    }

    public async Task<IResult> DeviceCode(HttpRequest request)
    {
        var p = await ParametersAsync(request);
        if (p("client_id") != options.ClientId)
        {
            return Error("invalid_client", "unknown client", StatusCodes.Status401Unauthorized);
        }

        lock (state.Gate)
        {
            string deviceCode = state.Issue("device-");
            string userCode = string.Create(CultureInfo.InvariantCulture, $"{Random.Shared.Next(1000, 9999)}-{Random.Shared.Next(1000, 9999)}");
            state.Devices[deviceCode] = new LoopbackOAuthAuthorityState.DeviceCode(userCode, p("scope") ?? "", Now + options.DeviceCodeLifetime, options.DeviceInterval);
            string verification = new Uri(new Uri(request.Scheme + "://" + request.Host), "device").ToString();
            var body = new Dictionary<string, object>
            {
                ["device_code"] = deviceCode,
                ["user_code"] = userCode,
                ["verification_uri"] = verification,
                ["expires_in"] = (int)options.DeviceCodeLifetime.TotalSeconds,
                ["interval"] = options.DeviceInterval,
            };
            if (options.MicrosoftIdentity)
            {
                body["message"] = $"To sign in, use a web browser to open the page {verification} and enter the code {userCode} to authenticate.";
            }

            return Results.Json(body);
        }
    }

    public async Task<IResult> Revoke(HttpRequest request)
    {
        var p = await ParametersAsync(request);
        lock (state.Gate)
        {
            // RFC 7009 §2.2: 200 whether or not the token was known.
            if (p("token") is { } token)
            {
                state.RefreshTokens.Remove(token);
                state.AccessTokens.Remove(token);
            }
        }

        return Results.Ok();
    }

    public IResult Me(HttpRequest request)
    {
        string header = request.Headers.Authorization.ToString();
        string? token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;
        lock (state.Gate)
        {
            if (token is not null && state.AccessTokens.TryGetValue(token, out var expires) && expires > Now)
            {
                return Results.Json(new Dictionary<string, string> { ["sub"] = "user-1", ["email"] = "user@example.test" });
            }
        }

        request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Results.StatusCode(StatusCodes.Status401Unauthorized);
    }

    private IResult CodeGrant(Func<string, string?> p)
    {
        string code = p("code") ?? "";
        if (!state.Codes.Remove(code, out var pending) || pending.ExpiresAt <= Now)
        {
            return Error("invalid_grant", "the authorization code is unknown, used or expired");
        }

        if (pending.RedirectUri != p("redirect_uri"))
        {
            return Error("invalid_grant", "redirect_uri differs from the one authorized");
        }

        if (p("code_verifier") is not { } verifier || LoopbackOAuthAuthority.Challenge(verifier) != pending.Challenge)
        {
            return Error("invalid_grant", "the code_verifier does not match the code_challenge");
        }

        return Tokens(pending.Scope, refresh: true);
    }

    private IResult RefreshGrant(Func<string, string?> p)
    {
        string token = p("refresh_token") ?? "";
        if (!state.RefreshTokens.Contains(token))
        {
            return Error("invalid_grant", "the refresh token is unknown, revoked or rotated");
        }

        state.Refreshes++;
        if (options.RotateRefreshTokens)
        {
            state.RefreshTokens.Remove(token);
        }

        return Tokens(p("scope") ?? "", refresh: options.RotateRefreshTokens);
    }

    private IResult DeviceGrant(Func<string, string?> p)
    {
        var (result, error) = DeviceAnswer(p);
        state.Polls.Add((Now, error));
        return result;
    }

    private (IResult Result, string? Error) DeviceAnswer(Func<string, string?> p)
    {
        string code = p("device_code") ?? "";
        if (!state.Devices.TryGetValue(code, out var device))
        {
            return (Error("invalid_grant", "the device code is unknown or already used"), "invalid_grant");
        }

        if (device.ExpiresAt <= Now)
        {
            state.Devices.Remove(code);
            return (Error("expired_token", "the device code expired; start again"), "expired_token");
        }

        if (!options.MicrosoftIdentity && device.LastPoll is { } last && Now - last < TimeSpan.FromSeconds(device.Interval))
        {
            device.LastPoll = Now;
            device.Interval += 5; // RFC 8628 §3.5
            return (Error("slow_down", "polling too fast; wait 5 seconds longer between polls"), "slow_down");
        }

        device.LastPoll = Now;
        switch (device.Decision)
        {
            case null:
                return (Error("authorization_pending", "the user has not approved yet"), "authorization_pending");
            case false:
                state.Devices.Remove(code);
                string denied = options.MicrosoftIdentity ? "authorization_declined" : "access_denied";
                return (Error(denied, "the user denied the request"), denied);
            default:
                state.Devices.Remove(code);
                return (Tokens(device.Scope, refresh: true), null);
        }
    }

    private IResult Tokens(string scope, bool refresh)
    {
        string access = state.Issue("access-");
        state.AccessTokens[access] = Now + options.AccessTokenLifetime;
        var body = new Dictionary<string, object>
        {
            ["access_token"] = access,
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)options.AccessTokenLifetime.TotalSeconds,
            ["scope"] = scope,
        };
        if (refresh)
        {
            string refreshToken = state.Issue("refresh-");
            state.RefreshTokens.Add(refreshToken);
            body["refresh_token"] = refreshToken;
        }

        if (options.MicrosoftIdentity)
        {
            MicrosoftIdentityClaims.AddTo(body, options.ClientId, Now);
        }

        return Results.Json(body);
    }

    private static IResult Error(string error, string description, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);

    private static IResult ErrorRedirectOrPage(string? redirect, string? stateValue, string error, string description) =>
        redirect is null
            ? Results.BadRequest($"{error}: {description}")
            : Results.Redirect($"{redirect}{(redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?")}error={error}&error_description={Uri.EscapeDataString(description)}{(stateValue is null ? "" : "&state=" + Uri.EscapeDataString(stateValue))}");

    private static bool IsLoopback(string redirect) =>
        Uri.TryCreate(redirect, UriKind.Absolute, out var uri) && uri.Scheme == "http" && (uri.Host == "127.0.0.1" || uri.Host == "localhost" || uri.Host == "[::1]");

    private static async Task<Func<string, string?>> ParametersAsync(HttpRequest request)
    {
        IFormCollection? form = request.HasFormContentType ? await request.ReadFormAsync() : null;
        var query = request.Query;
        return name => form is not null && form.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v)
            ? v.ToString()
            : query.TryGetValue(name, out var q) && !StringValues.IsNullOrEmpty(q) ? q.ToString() : null;
    }
}
