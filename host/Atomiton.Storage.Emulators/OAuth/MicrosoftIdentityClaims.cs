using System.Text.Json;

namespace Atomiton.Storage.Emulators.OAuth;

/// <summary>
/// The parts of a Microsoft identity platform v2.0 token response that MSAL reads besides the tokens:
/// <c>id_token</c> (who signed in) and <c>client_info</c> (<c>uid</c>.<c>utid</c>, the key of MSAL's
/// account). The emulated user is one personal account in the consumers tenant. The id token is
/// unsigned (<c>alg: none</c>): MSAL reads its claims and does not validate it, and it carries no secret.
/// </summary>
internal static class MicrosoftIdentityClaims
{
    /// <summary>The tenant id of personal Microsoft accounts (what <c>consumers</c> resolves to).</summary>
    public const string ConsumersTenantId = "9188040d-6c67-4c5b-b112-36a304b66dad";

    /// <summary>The emulated user's object id.</summary>
    public const string UserObjectId = "00000000-0000-0000-66f3-3332eca7ea81";

    /// <summary>The emulated user's sign-in name.</summary>
    public const string UserName = "user@example.test";

    public static void AddTo(Dictionary<string, object> body, string clientId, DateTimeOffset now)
    {
        long issued = now.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["ver"] = "2.0",
            ["iss"] = $"https://login.microsoftonline.com/{ConsumersTenantId}/v2.0",
            ["aud"] = clientId,
            ["iat"] = issued,
            ["nbf"] = issued,
            ["exp"] = issued + 3600,
            ["sub"] = "emulated-subject",
            ["oid"] = UserObjectId,
            ["tid"] = ConsumersTenantId,
            ["name"] = "Emulated User",
            ["preferred_username"] = UserName,
        };
        body["id_token"] = Base64Url("""{"alg":"none","typ":"JWT"}"""u8) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims)) + ".";
        body["client_info"] = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["uid"] = UserObjectId, ["utid"] = ConsumersTenantId }));
        body["ext_expires_in"] = body["expires_in"];
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
