namespace Atomiton.Storage.Cloud.Server.Database;

/// <summary>
/// A tenant's quota and what it uses now, shared by every replica. A save that would take the tenant past
/// <see cref="MaxBytes"/>, or a new key past <see cref="MaxItems"/>, is refused with QuotaExceeded before
/// anything is written; overwriting with no more bytes and deleting are always allowed.
/// </summary>
/// <param name="TenantPrefix">The tenant's key prefix (ending with <c>/</c>, or empty for the whole store).</param>
/// <param name="MaxBytes">The most bytes of content the tenant may hold; null for no byte limit.</param>
/// <param name="MaxItems">The most objects the tenant may hold; null for no item limit.</param>
/// <param name="UsedBytes">The bytes of the tenant's objects written through the server.</param>
/// <param name="UsedItems">How many objects the tenant holds (written through the server).</param>
public sealed record TenantQuota(string TenantPrefix, long? MaxBytes, long? MaxItems, long UsedBytes, long UsedItems);
