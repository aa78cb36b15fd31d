namespace Atomiton.Storage.Resilience.Audit;

/// <summary>The result of verifying an audit chain.</summary>
/// <param name="IsValid">True when every record checks out (and the expected head, if given, was reached).</param>
/// <param name="Records">How many records were checked successfully before the first problem.</param>
/// <param name="Head">The last valid record's sequence and hash.</param>
/// <param name="FailedLine">The 1-based line (record position) of the first problem, or null.</param>
/// <param name="Problem">What is wrong at <paramref name="FailedLine"/>, or null.</param>
public sealed record AuditVerification(bool IsValid, long Records, AuditHead Head, long? FailedLine, string? Problem)
{
    /// <inheritdoc />
    public override string ToString() => IsValid
        ? $"Audit chain valid: {Records} records, head {Head.Sequence} {Head.Hash}."
        : $"Audit chain broken at line {FailedLine}: {Problem}.";
}
