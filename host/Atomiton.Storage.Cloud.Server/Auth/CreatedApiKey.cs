namespace Atomiton.Storage.Cloud.Server.Auth;

/// <summary>A newly created key: its stored entry, and the secret key itself, shown once and never stored.</summary>
/// <param name="Entry">The stored entry (hash only).</param>
/// <param name="Key">The API key to hand to the client, <c>atm_&lt;id&gt;_&lt;secret&gt;</c>.</param>
public sealed record CreatedApiKey(ApiKeyEntry Entry, string Key)
{
    /// <summary>Names the key by its id only; the secret never appears here.</summary>
    public override string ToString() => $"API key {Entry.Id} (tenant '{Entry.TenantPrefix}', {Entry.Permissions})";
}
