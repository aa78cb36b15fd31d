namespace Atomiton.Storage.Host.Migration;

/// <summary>What one run of <c>migrate</c> did; printed at the end (and as <c>--json</c>).</summary>
internal sealed record MigrationSummary
{
    public required string From { get; init; }

    public required string To { get; init; }

    public required string Prefix { get; init; }

    public bool DryRun { get; init; }

    /// <summary>Whether this run resumed an interrupted migration.</summary>
    public bool Resumed { get; init; }

    /// <summary>Objects examined by this run.</summary>
    public long Objects { get; init; }

    /// <summary>Bytes copied by this run (for a dry run: bytes that would be copied).</summary>
    public long Bytes { get; init; }

    /// <summary>Objects copied and verified by this run.</summary>
    public long Copied { get; init; }

    /// <summary>Objects verified at the target by this run (copied or already present).</summary>
    public long Verified { get; init; }

    /// <summary>Objects not copied: already at the target with the same content, or gone from the source.</summary>
    public long Skipped { get; init; }

    /// <summary>Objects whose copy or verification failed.</summary>
    public long Failed { get; init; }

    /// <summary>Objects verified by earlier, interrupted runs and not examined again.</summary>
    public long VerifiedEarlier { get; init; }

    /// <summary>Source objects deleted (only with <c>--delete-source</c> after a fully verified copy).</summary>
    public long Deleted { get; init; }

    /// <summary>The keys that failed, with why.</summary>
    public IReadOnlyList<ObjectOutcome> Failures { get; init; } = [];

    /// <summary>The checkpoint file kept for a resume, or null when the migration is complete.</summary>
    public string? Checkpoint { get; init; }
}
