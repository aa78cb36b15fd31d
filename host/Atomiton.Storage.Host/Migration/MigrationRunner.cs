using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Atomiton.Storage.Host.Progress;

namespace Atomiton.Storage.Host.Migration;

/// <summary>
/// Copies every object under a prefix from one engine to another in key order, in parallel,
/// verifying each by hash, recording progress in a checkpoint after every object so that an
/// interrupted run resumes where it stopped; deletes from the source only after everything is verified.
/// </summary>
internal sealed class MigrationRunner
{
    private readonly MigrationRequest _request;
    private readonly IStorageEngine _source;
    private readonly ObjectMigrator _migrator;
    private readonly Action<ObjectOutcome> _onOutcome;
    private readonly ProgressDisplay _progress;

    /// <param name="request">What to migrate.</param>
    /// <param name="source">The source pipeline's engine.</param>
    /// <param name="target">The target pipeline's engine.</param>
    /// <param name="progress">Where progress is shown.</param>
    /// <param name="onOutcome">Called (from several threads) for every object handled.</param>
    public MigrationRunner(MigrationRequest request, IStorageEngine source, IStorageEngine target, ProgressDisplay progress, Action<ObjectOutcome> onOutcome)
    {
        _request = request;
        _source = source;
        _migrator = new ObjectMigrator(source, target);
        _progress = progress;
        _onOutcome = onOutcome;
    }

    public async Task<MigrationSummary> RunAsync(CancellationToken cancellationToken)
    {
        var saved = _request.DryRun ? null : MigrationCheckpoint.Load(_request.CheckpointFile, _request.From, _request.To, _request.Prefix);
        var tracker = new CheckpointTracker(
            saved ?? new MigrationCheckpoint { From = _request.From, To = _request.To, Prefix = _request.Prefix, Updated = DateTimeOffset.UtcNow },
            _request.DryRun ? null : _request.CheckpointFile);
        long verifiedEarlier = tracker.Verified;
        long total = tracker.PreviouslyFailed.Count + await CountPendingAsync(tracker, cancellationToken);
        var outcomes = new ConcurrentBag<ObjectOutcome>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _request.Parallel, CancellationToken = cancellationToken };
        await _progress.RunAsync($"migrate {_request.From} -> {_request.To}", total, ProgressUnit.Objects, async reporter =>
        {
            await Parallel.ForEachAsync(tracker.PreviouslyFailed, parallel, async (key, token) =>
            {
                var outcome = await _migrator.MigrateAsync(key, _request.DryRun, token);
                tracker.RetryFinished(key, outcome);
                Record(outcome);
            });
            await Parallel.ForEachAsync(PendingKeysAsync(tracker, cancellationToken), parallel, async (key, token) =>
            {
                var outcome = await _migrator.MigrateAsync(key, _request.DryRun, token);
                tracker.Finished(key, outcome);
                Record(outcome);
            });
            return true;

            void Record(ObjectOutcome outcome)
            {
                outcomes.Add(outcome);
                _onOutcome(outcome);
                reporter.Advance(1);
            }
        });

        bool complete = !_request.DryRun && tracker.Failed.Count == 0;
        long deleted = 0;
        var failures = outcomes.Where(o => o.IsFailed).OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
        if (complete && _request.DeleteSource)
        {
            var deleteFailures = new ConcurrentBag<ObjectOutcome>();
            deleted = await DeleteSourceAsync(deleteFailures, parallel, cancellationToken);
            failures.AddRange(deleteFailures.OrderBy(o => o.Key, StringComparer.Ordinal));
        }

        if (complete && failures.Count == 0)
        {
            File.Delete(_request.CheckpointFile);
        }

        return new MigrationSummary
        {
            From = _request.From,
            To = _request.To,
            Prefix = _request.Prefix,
            DryRun = _request.DryRun,
            Resumed = saved is not null,
            Objects = outcomes.Count,
            Bytes = outcomes.Sum(o => o.Kind is ObjectOutcomeKind.Copied or ObjectOutcomeKind.WouldCopy ? o.Size : 0),
            Copied = outcomes.Count(o => o.Kind == ObjectOutcomeKind.Copied),
            Verified = outcomes.Count(o => o.IsVerified),
            Skipped = outcomes.Count(o => o.Kind is ObjectOutcomeKind.Present or ObjectOutcomeKind.Vanished or ObjectOutcomeKind.WouldVerify),
            Failed = failures.Count,
            VerifiedEarlier = verifiedEarlier,
            Deleted = deleted,
            Failures = failures,
            Checkpoint = _request.DryRun || (complete && failures.Count == 0) ? null : _request.CheckpointFile,
        };
    }

    private async Task<long> CountPendingAsync(CheckpointTracker tracker, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var entry in ListAfterAsync(tracker.Watermark, cancellationToken))
        {
            count += tracker.IsDone(entry.Key) ? 0 : 1;
        }

        return count;
    }

    private async IAsyncEnumerable<string> PendingKeysAsync(CheckpointTracker tracker, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in ListAfterAsync(tracker.Watermark, cancellationToken))
        {
            if (!tracker.IsDone(entry.Key))
            {
                // Parallel.ForEachAsync pulls keys one at a time, so keys start in listing (ordinal) order.
                tracker.Started(entry.Key);
                yield return entry.Key;
            }
        }
    }

    // Keys only: every object is opened (and checked) on its own anyway.
    private IAsyncEnumerable<StorageEntry> ListAfterAsync(string? startAfter, CancellationToken cancellationToken) =>
        _source.ListAsync(new ListOptions { Prefix = _request.Prefix, Recursive = true, StartAfter = startAfter, KeysOnly = true }, cancellationToken);

    // Every source object is checked again against the target (hash and metadata) just before it is
    // deleted, and deleted only if it has not changed since (if-match on the ETag that was checked).
    private async Task<long> DeleteSourceAsync(ConcurrentBag<ObjectOutcome> failures, ParallelOptions parallel, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var entry in ListAfterAsync(null, cancellationToken))
        {
            keys.Add(entry.Key);
        }

        long deleted = 0;
        await Parallel.ForEachAsync(keys, parallel, async (key, token) =>
        {
            try
            {
                var before = await _source.StatAsync(key, token);
                string? difference = await _migrator.CheckSameAsync(key, token);
                if (difference is not null)
                {
                    failures.Add(new ObjectOutcome(key, ObjectOutcomeKind.Failed, 0, $"source kept: {difference}"));
                    return;
                }

                if (await _source.DeleteAsync(key, new DeleteOptions { IfMatch = before.ETag }, token))
                {
                    Interlocked.Increment(ref deleted);
                }
            }
            catch (StorageException e) when (e.Code != StorageErrorCode.NotFound)
            {
                failures.Add(new ObjectOutcome(key, ObjectOutcomeKind.Failed, 0, $"source kept: {e.Message.ReplaceLineEndings(" ")}"));
            }
        });
        return deleted;
    }
}
