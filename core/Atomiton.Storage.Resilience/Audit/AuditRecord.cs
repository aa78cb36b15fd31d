namespace Atomiton.Storage.Resilience.Audit;

/// <summary>One audited operation. Never content or secrets.</summary>
public sealed record AuditRecord
{
    /// <summary>When the operation ended.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The pipeline.</summary>
    public required string Pipeline { get; init; }

    /// <summary>The audit stage's name in that pipeline.</summary>
    public required string Stage { get; init; }

    /// <summary>The operation (<see cref="StorageOperation"/>).</summary>
    public required string Operation { get; init; }

    /// <summary>The key, prefix (list) or source key (copy, move); null for info.</summary>
    public string? Key { get; init; }

    /// <summary>The destination key of a copy or move.</summary>
    public string? TargetKey { get; init; }

    /// <summary>The object's size in bytes, where the operation knows it.</summary>
    public long? Size { get; init; }

    /// <summary><c>ok</c>, <c>cancelled</c>, or the error code (such as <c>NotFound</c>).</summary>
    public required string Outcome { get; init; }

    /// <summary>Who called, where known (<see cref="AuditCaller"/>).</summary>
    public string? Caller { get; init; }
}
