using System.Text.Json;

namespace Atomiton.Storage.OAuth;

/// <summary>A token set as kept in the credential store. <see cref="ToString"/> shows only the expiry.</summary>
public sealed class OAuthTokens
{
    /// <summary>Creates a token set.</summary>
    public OAuthTokens(string accessToken, string? refreshToken, DateTimeOffset expiresAt, string? scope = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        AccessToken = accessToken;
        RefreshToken = refreshToken;
        ExpiresAt = expiresAt;
        Scope = scope;
    }

    /// <summary>The bearer token for requests.</summary>
    public string AccessToken { get; }

    /// <summary>The refresh token; null when the authority gave none.</summary>
    public string? RefreshToken { get; }

    /// <summary>When the access token expires.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The granted scopes, space-separated, when the authority said.</summary>
    public string? Scope { get; }

    /// <summary>The stored form (JSON).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("access_token", AccessToken);
            if (RefreshToken is not null)
            {
                writer.WriteString("refresh_token", RefreshToken);
            }

            writer.WriteNumber("expires_at", ExpiresAt.ToUnixTimeSeconds());
            if (Scope is not null)
            {
                writer.WriteString("scope", Scope);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads the stored form.</summary>
    /// <exception cref="StorageException">Integrity when <paramref name="json"/> is not a token set (the message never repeats it).</exception>
    public static OAuthTokens Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return new OAuthTokens(
                root.GetProperty("access_token").GetString()!,
                root.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("expires_at").GetInt64()),
                root.TryGetProperty("scope", out var scope) ? scope.GetString() : null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new StorageException(StorageErrorCode.Integrity, "The stored sign-in is not a token set written by Atomiton Storage; sign in again.");
        }
    }

    /// <summary>The expiry only; tokens are never shown.</summary>
    public override string ToString() => $"OAuthTokens(expires={ExpiresAt:O}, refresh={(RefreshToken is null ? "no" : "yes")})";
}
