namespace Atomiton.Storage.Cloud.Server.Auth;

/// <summary>The authenticated caller of one request: its key's id, tenant and permissions.</summary>
/// <param name="KeyId">The key's public id (the rate-limit partition).</param>
/// <param name="TenantPrefix">The prefix every key of the request is placed under.</param>
/// <param name="Permissions">What the caller may do.</param>
public sealed record CloudCaller(string KeyId, string TenantPrefix, ApiKeyPermissions Permissions)
{
    /// <summary>Whether the caller holds <paramref name="needed"/> (admin holds everything).</summary>
    public bool Has(ApiKeyPermissions needed) =>
        Permissions.HasFlag(ApiKeyPermissions.Admin) || (Permissions & needed) == needed;
}
