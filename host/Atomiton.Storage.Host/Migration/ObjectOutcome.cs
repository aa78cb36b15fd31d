namespace Atomiton.Storage.Host.Migration;

/// <summary>What happened to one object in a migration.</summary>
internal enum ObjectOutcomeKind
{
    /// <summary>Copied to the target and verified by hash (the target's reported one where it reports it).</summary>
    Copied,

    /// <summary>Already at the target with the same content (hash) and metadata: not copied again.</summary>
    Present,

    /// <summary>Dry run: would be copied.</summary>
    WouldCopy,

    /// <summary>Dry run: the target already has an object of the same size; it would be verified, not copied.</summary>
    WouldVerify,

    /// <summary>Deleted from the source after it was listed: nothing to copy.</summary>
    Vanished,

    /// <summary>The copy or its verification failed; see the reason.</summary>
    Failed,
}

/// <summary>The outcome for one key, with the bytes copied and, for a failure, why.</summary>
internal sealed record ObjectOutcome(string Key, ObjectOutcomeKind Kind, long Size, string? Reason = null)
{
    public bool IsFailed => Kind == ObjectOutcomeKind.Failed;

    /// <summary>Whether the target now holds a verified copy.</summary>
    public bool IsVerified => Kind is ObjectOutcomeKind.Copied or ObjectOutcomeKind.Present;

    /// <summary>Bytes written to the target.</summary>
    public long CopiedBytes => Kind == ObjectOutcomeKind.Copied ? Size : 0;

    /// <summary>The line printed for this object with <c>--verbose</c>.</summary>
    public string Describe() => Kind switch
    {
        ObjectOutcomeKind.Copied => $"copied {Key} ({Size} bytes, hash verified)",
        ObjectOutcomeKind.Present => $"present {Key} (already at target, hash verified, not copied)",
        ObjectOutcomeKind.WouldCopy => $"would copy {Key} ({Size} bytes)",
        ObjectOutcomeKind.WouldVerify => $"would verify {Key} (target has an object of the same size)",
        ObjectOutcomeKind.Vanished => $"vanished {Key} (deleted from the source meanwhile; nothing to copy)",
        _ => $"failed {Key}: {Reason}",
    };
}
