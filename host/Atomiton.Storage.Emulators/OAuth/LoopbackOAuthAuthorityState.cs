namespace Atomiton.Storage.Emulators.OAuth;

/// <summary>What the authority has issued, and the test's hand in it (approving device codes, revoking).</summary>
public sealed class LoopbackOAuthAuthorityState
{
    private readonly object _gate = new();
    private readonly LoopbackOAuthAuthorityOptions _options;
    private readonly List<string> _issued = [];

    internal LoopbackOAuthAuthorityState(LoopbackOAuthAuthorityOptions options) => _options = options;

    internal Dictionary<string, PendingCode> Codes { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, DeviceCode> Devices { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, DateTimeOffset> AccessTokens { get; } = new(StringComparer.Ordinal);

    internal HashSet<string> RefreshTokens { get; } = new(StringComparer.Ordinal);

    internal object Gate => _gate;

    /// <summary>Every device-code poll: when it came and the error answered (null: tokens issued).</summary>
    public IReadOnlyList<(DateTimeOffset At, string? Error)> DevicePolls
    {
        get
        {
            lock (_gate)
            {
                return [.. Polls];
            }
        }
    }

    internal List<(DateTimeOffset At, string? Error)> Polls { get; } = [];

    /// <summary>How many refresh grants succeeded.</summary>
    public int Refreshes { get; internal set; }

    /// <summary>Every code, token and secret this authority issued or knows (for tests that grep output for secrets).</summary>
    public IReadOnlyList<string> Secrets
    {
        get
        {
            lock (_gate)
            {
                return [.. _issued, .. _options.ClientSecret is null ? Array.Empty<string>() : [_options.ClientSecret]];
            }
        }
    }

    /// <summary>Plays the user who entered <paramref name="userCode"/> and approved (or denied) the device.</summary>
    /// <returns>False when no pending device has that user code.</returns>
    public bool Decide(string userCode, bool approve)
    {
        lock (_gate)
        {
            var device = Devices.Values.FirstOrDefault(d => d.UserCode == userCode);
            if (device is null)
            {
                return false;
            }

            device.Decision = approve;
            return true;
        }
    }

    /// <summary>Revokes every refresh token, as a user withdrawing the app's access would.</summary>
    public void RevokeAllRefreshTokens()
    {
        lock (_gate)
        {
            RefreshTokens.Clear();
        }
    }

    /// <summary>Whether <paramref name="accessToken"/> was issued here, is not revoked and has not expired (what a resource server checks).</summary>
    public bool AcceptsAccessToken(string accessToken)
    {
        lock (_gate)
        {
            return AccessTokens.TryGetValue(accessToken, out var expires) && expires > _options.TimeProvider.GetUtcNow();
        }
    }

    /// <summary>Whether <paramref name="refreshToken"/> is still valid.</summary>
    public bool IsLive(string refreshToken)
    {
        lock (_gate)
        {
            return RefreshTokens.Contains(refreshToken);
        }
    }

    internal string Issue(string prefix)
    {
        string secret = LoopbackOAuthAuthority.NewSecret(prefix);
        _issued.Add(secret);
        return secret;
    }

    internal sealed record PendingCode(string ClientId, string? RedirectUri, string Challenge, string Scope, DateTimeOffset ExpiresAt);

    internal sealed class DeviceCode(string userCode, string scope, DateTimeOffset expiresAt, int interval)
    {
        public string UserCode { get; } = userCode;

        public string Scope { get; } = scope;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public int Interval { get; set; } = interval;

        public DateTimeOffset? LastPoll { get; set; }

        public bool? Decision { get; set; }
    }
}
