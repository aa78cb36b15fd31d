namespace Atomiton.Storage.Cloud.Server.Auth;

/// <summary>Endpoint metadata: the permission an API endpoint needs.</summary>
/// <param name="Permission">The permission.</param>
internal sealed record RequiredPermission(ApiKeyPermissions Permission);
