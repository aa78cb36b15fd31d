namespace Atomiton.Storage.Cloud.Server.Auth;

/// <summary>
/// One API key as stored: never the key itself, only its SHA-256 hash. Keys carry 256 random bits,
/// so a fast hash is as strong as a slow one against guessing and keeps authentication cheap.
/// </summary>
public sealed record ApiKeyEntry
{
    /// <summary>The public identifier embedded in the key (16 hexadecimal characters); safe to log and show.</summary>
    public required string Id { get; init; }

    /// <summary>The key prefix every key this caller uses is placed under, ending with <c>/</c>; empty for the whole store.</summary>
    public required string TenantPrefix { get; init; }

    /// <summary>What the key may do.</summary>
    public required ApiKeyPermissions Permissions { get; init; }

    /// <summary>The lowercase hexadecimal SHA-256 of the whole key's UTF-8 bytes.</summary>
    public required string Hash { get; init; }

    /// <summary>The hash algorithm of <see cref="Hash"/>; always <c>SHA-256</c>.</summary>
    public string HashAlgorithm { get; init; } = "SHA-256";

    /// <summary>When the key was created.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When the key was revoked, or null while it is valid.</summary>
    public DateTimeOffset? Revoked { get; init; }

    /// <summary>A free-text note (who or what uses the key).</summary>
    public string? Description { get; init; }

    /// <summary>True once revoked.</summary>
    public bool IsRevoked => Revoked is not null;
}
