namespace Atomiton.Storage.Resilience.Audit;

/// <summary>Verifies an audit chain: every record's hash, sequence and link to the one before it.</summary>
public static class AuditVerifier
{
    /// <summary>Verifies the records of <paramref name="sink"/>.</summary>
    /// <param name="sink">The log to read.</param>
    /// <param name="expectedHead">
    /// The head recorded elsewhere (for example <see cref="AuditEngine.Head"/> at shutdown); with it,
    /// records removed from the end are detected too. Null checks only what is present.
    /// </param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async ValueTask<AuditVerification> VerifyAsync(IAuditSink sink, AuditHead? expectedHead = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var head = AuditHead.Genesis;
        long line = 0;
        await foreach (var text in sink.ReadLinesAsync(cancellationToken))
        {
            line++;
            var (next, problem) = AuditChain.Check(text, head);
            if (next is null)
            {
                return new AuditVerification(false, head.Sequence, head, line, problem);
            }

            head = next;
        }

        if (expectedHead is not null && (expectedHead.Sequence != head.Sequence || !string.Equals(expectedHead.Hash, head.Hash, StringComparison.Ordinal)))
        {
            string problem = expectedHead.Sequence > head.Sequence
                ? $"the log ends at record {head.Sequence} but the expected head is record {expectedHead.Sequence}: records were removed from the end"
                : $"the log's last record ({head.Sequence}) does not match the expected head (record {expectedHead.Sequence})";
            return new AuditVerification(false, head.Sequence, head, line + 1, problem);
        }

        return new AuditVerification(true, head.Sequence, head, null, null);
    }

    /// <summary>Verifies a JSON-lines audit file.</summary>
    public static async ValueTask<AuditVerification> VerifyFileAsync(string path, AuditHead? expectedHead = null, CancellationToken cancellationToken = default)
    {
        await using var sink = new JsonLinesAuditSink(path);
        return await VerifyAsync(sink, expectedHead, cancellationToken);
    }

    /// <summary>The head of the records in <paramref name="sink"/>, to continue a chain; throws when the chain is broken.</summary>
    internal static async ValueTask<AuditHead> ReadHeadAsync(IAuditSink sink, CancellationToken cancellationToken)
    {
        var verification = await VerifyAsync(sink, null, cancellationToken);
        if (!verification.IsValid)
        {
            throw new StorageException(StorageErrorCode.Integrity,
                $"The audit log cannot be continued: {verification}. Keep the damaged log as evidence and start a new one (move the file away).");
        }

        return verification.Head;
    }
}
