using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Atomiton.Storage.Host.Cli;
using Atomiton.Storage.Sync;
using Atomiton.Storage.Sync.Conflicts;
using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Host.Commands;

/// <summary>
/// <c>sync &lt;pipelineA&gt; &lt;pipelineB&gt;</c>: two-way sync with conflict resolution (docs/sync.md), plus
/// <c>sync status</c>, <c>sync conflicts</c> and <c>sync rebaseline</c>. The state database lives next to
/// plugins.json in <c>.atomiton-sync/</c> unless <c>--state</c> says otherwise. Exit codes tell "retry
/// later" (75) from "a human must look" (9), and "another sync of this pair is running" (8; <c>--wait</c>
/// waits for it instead).
/// </summary>
internal static class SyncCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("sync", "Two-way sync of two pipelines with conflict resolution; see docs/sync.md.");
        var (a, b, state, prefix) = Common();
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (every action with its reason and the totals); change nothing." };
        var conflict = new Option<string>("--conflict") { Description = "keep-both (default), newer, prefer-a, prefer-b or skip.", DefaultValueFactory = _ => "keep-both" };
        var delete = new Option<string>("--delete") { Description = "When one side deleted what the other changed: modify-wins (default) or delete-wins.", DefaultValueFactory = _ => "modify-wins" };
        var maxDelete = new Option<string>("--max-delete") { Description = "Abort when planned deletes on a side exceed this: a percentage of the synced keys (50%, the default) or a count (100).", DefaultValueFactory = _ => "50%" };
        var force = new Option<bool>("--force") { Description = "Run even though a safety valve tripped (for this run)." };
        var parallel = ParallelOption();
        var wait = WaitOption();
        var replicaA = new Option<string?>("--replica-a") { Description = "Side A's name in conflict-copy names (default: pipeline A's name)." };
        var replicaB = new Option<string?>("--replica-b") { Description = "Side B's name in conflict-copy names (default: pipeline B's name)." };
        command.Add(a);
        command.Add(b);
        command.Add(state);
        command.Add(prefix);
        command.Add(dryRun);
        command.Add(conflict);
        command.Add(delete);
        command.Add(maxDelete);
        command.Add(force);
        command.Add(parallel);
        command.Add(wait);
        command.Add(replicaA);
        command.Add(replicaB);
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            var parse = invocation.ParseResult;
            var options = new SyncOptions
            {
                Conflicts = ParseConflict(parse.GetValue(conflict)!),
                DeleteVsModify = ParseDelete(parse.GetValue(delete)!),
                Force = parse.GetValue(force),
                MaxParallelTransfers = ParseParallel(parse.GetValue(parallel)),
                RunLockWait = ParseWait(parse.GetValue(wait)),
            };
            options = ApplyMaxDelete(options, parse.GetValue(maxDelete)!);
            return await WithPairAsync(invocation, a, b, state, prefix, options, parse.GetValue(replicaA), parse.GetValue(replicaB), async (pair, names) =>
            {
                if (parse.GetValue(dryRun))
                {
                    var plan = await pair.PlanAsync(cancellationToken);
                    Report(invocation, names, plan, null);
                    return plan.IsAborted ? ExitCodes.NeedsAttention : ExitCodes.Success;
                }

                var result = await pair.RunAsync(Progress(invocation), cancellationToken);
                Report(invocation, names, result.Plan, result);
                return ExitCodeOf(result.Status);
            }, cancellationToken);
        });

        command.Add(Status(runner));
        command.Add(Conflicts(runner));
        command.Add(Rebaseline(runner));
        return command;
    }

    private static (Argument<string> A, Argument<string> B, Option<string?> State, Option<string> Prefix) Common() =>
        (new Argument<string>("pipelineA") { Description = "Side A: a pipeline of plugins.json (usually the local one)." },
         new Argument<string>("pipelineB") { Description = "Side B: a pipeline of plugins.json (usually the hub every device syncs with)." },
         new Option<string?>("--state") { Description = "The sync state database (default: .atomiton-sync/<A>--<B>.db next to plugins.json)." },
         new Option<string>("--prefix") { Description = "Only sync keys starting with this (on both sides).", DefaultValueFactory = _ => "" });

    private static Command Status(CommandRunner runner)
    {
        var (a, b, state, prefix) = Common();
        var command = new Command("status", "Show a pair's state: when it last ran, how many keys are synced, and what is unsettled.") { a, b, state, prefix };
        runner.SetAction(command, (invocation, cancellationToken) => WithStoreAsync(invocation, a, b, state, prefix, async (store, names) =>
        {
            var pair = await store.GetPairAsync(cancellationToken);
            var counts = await store.CountAsync(cancellationToken);
            var running = await store.GetRunLockAsync(cancellationToken);
            running = running is not null && !running.IsExpiredAt(DateTimeOffset.UtcNow) ? running : null;
            int conflicts = 0;
            await foreach (var entry in store.ReadLogAsync(cancellationToken))
            {
                conflicts += entry.Kind is SyncLogKind.Conflict or SyncLogKind.Unresolved or SyncLogKind.Collision ? 1 : 0;
            }

            if (invocation.Json)
            {
                invocation.WriteJson(new SyncStatusView(names.A, names.B, names.State, pair?.LastRun, counts.Synced, counts.PresentA, counts.PresentB, counts.Unsettled, conflicts,
                    pair?.CursorA is not null, pair?.CursorB is not null, running?.Describe()));
                return ExitCodes.Success;
            }

            invocation.Out.WriteLine($"sync '{names.A}' <-> '{names.B}' (state {names.State})");
            invocation.Out.WriteLine(pair is null ? "  never run" : $"  last run:  {pair.LastRun?.ToString("u", CultureInfo.InvariantCulture) ?? "never completed"}");
            invocation.Out.WriteLine($"  synced:    {counts.Synced} keys");
            invocation.Out.WriteLine($"  present:   A {counts.PresentA}, B {counts.PresentB} (as last seen)");
            invocation.Out.WriteLine($"  unsettled: {counts.Unsettled}");
            invocation.Out.WriteLine($"  observed by: A {(pair?.CursorA is null ? "listing" : "change feed")}, B {(pair?.CursorB is null ? "listing" : "change feed")}");
            invocation.Out.WriteLine($"  conflicts logged: {conflicts} (sync conflicts {names.A} {names.B})");
            if (running is not null)
            {
                invocation.Out.WriteLine($"  running now: {running.Describe()}");
            }
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Conflicts(CommandRunner runner)
    {
        var (a, b, state, prefix) = Common();
        var command = new Command("conflicts", "List the conflicts, collisions and unresolved keys a pair's runs logged, newest last.") { a, b, state, prefix };
        runner.SetAction(command, (invocation, cancellationToken) => WithStoreAsync(invocation, a, b, state, prefix, async (store, names) =>
        {
            var entries = new List<SyncLogEntry>();
            await foreach (var entry in store.ReadLogAsync(cancellationToken))
            {
                if (entry.Kind is SyncLogKind.Conflict or SyncLogKind.Unresolved or SyncLogKind.Collision)
                {
                    entries.Add(entry);
                }
            }

            if (invocation.Json)
            {
                invocation.WriteJson(entries.Select(entry => new SyncLogView(entry.At, entry.Kind.ToString(), entry.Key, entry.RelatedKey, entry.Message)).ToList());
                return ExitCodes.Success;
            }

            if (entries.Count == 0)
            {
                invocation.Out.WriteLine($"no conflicts logged for '{names.A}' <-> '{names.B}'");
            }

            foreach (var entry in entries)
            {
                invocation.Out.WriteLine($"{entry.At.ToString("u", CultureInfo.InvariantCulture)}  {entry.Kind,-10}  {entry.Key}  {entry.Message}");
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Rebaseline(CommandRunner runner)
    {
        var (a, b, state, prefix) = Common();
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the merge plan; change nothing." };
        var parallel = ParallelOption();
        var wait = WaitOption();
        var command = new Command("rebaseline", "List both sides again and merge them without propagating any deletion (after a lost state, a changed identity, or to start over).")
        {
            a, b, state, prefix, dryRun, parallel, wait,
        };
        runner.SetAction(command, (invocation, cancellationToken) => WithPairAsync(invocation, a, b, state, prefix,
            new SyncOptions { MaxParallelTransfers = ParseParallel(invocation.ParseResult.GetValue(parallel)), RunLockWait = ParseWait(invocation.ParseResult.GetValue(wait)) }, null, null, async (pair, names) =>
        {
            if (invocation.ParseResult.GetValue(dryRun))
            {
                var plan = await pair.PlanRebaselineAsync(cancellationToken);
                Report(invocation, names, plan, null);
                return ExitCodes.Success;
            }

            var result = await pair.RebaselineAsync(Progress(invocation), cancellationToken);
            Report(invocation, names, result.Plan, result);
            return ExitCodeOf(result.Status);
        }, cancellationToken));
        return command;
    }

    private sealed record Names(string A, string B, string State);

    private static async Task<int> WithStoreAsync(Invocation invocation, Argument<string> a, Argument<string> b, Option<string?> state, Option<string> prefix,
        Func<ISyncStateStore, Names, Task<int>> body, CancellationToken cancellationToken)
    {
        var names = ResolveNames(invocation, a, b, state, prefix);
        if (!File.Exists(names.State))
        {
            throw new CommandLineException(ExitCodes.NotFound, $"No sync state for '{names.A}' <-> '{names.B}' at '{names.State}': the pair was never synced (run 'atomiton-storage sync {names.A} {names.B}'), or pass its --state file.");
        }

        await using var store = await SqliteSyncStateStore.OpenAsync(names.State, cancellationToken);
        return await body(store, names);
    }

    private static async Task<int> WithPairAsync(Invocation invocation, Argument<string> a, Argument<string> b, Option<string?> state, Option<string> prefix,
        SyncOptions options, string? replicaA, string? replicaB, Func<SyncPair, Names, Task<int>> body, CancellationToken cancellationToken)
    {
        var names = ResolveNames(invocation, a, b, state, prefix);
        string keyPrefix = invocation.ParseResult.GetValue(prefix) ?? "";
        await using var engineA = await invocation.OpenPipelineAsync(cancellationToken, names.A);
        await using var engineB = await invocation.OpenPipelineAsync(cancellationToken, names.B);
        await using var store = await SqliteSyncStateStore.OpenAsync(names.State, cancellationToken);
        var pair = new SyncPair(new SyncEndpoint(names.A, engineA), new SyncEndpoint(names.B, engineB), store, options with
        {
            Prefix = keyPrefix,
            ReplicaNameA = replicaA ?? names.A,
            ReplicaNameB = replicaB ?? names.B,
        });
        try
        {
            return await body(pair, names);
        }
        catch (StorageException e) when (e.Operation == SyncPair.RunLockOperation)
        {
            invocation.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.SyncBusy;
        }
        catch (StorageException e) when (e.IsTransient || e.IsPersistent)
        {
            invocation.Error.WriteLine($"error: {e.Message}");
            invocation.Error.WriteLine("Nothing was recorded as synced for what failed; retry later with the same command.");
            return ExitCodes.RetryLater;
        }
    }

    private static Names ResolveNames(Invocation invocation, Argument<string> a, Argument<string> b, Option<string?> state, Option<string> prefix)
    {
        var parse = invocation.ParseResult;
        string first = invocation.Source.ResolveName(parse.GetValue(a));
        string second = invocation.Source.ResolveName(parse.GetValue(b));
        if (string.Equals(first, second, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommandLineException(ExitCodes.Usage, $"Both sides are '{first}'; sync two different pipelines.");
        }

        string keyPrefix = parse.GetValue(prefix) ?? "";
        StorageKey.ValidatePrefix(keyPrefix, operation: "sync");
        string path = parse.GetValue(state) is { } given
            ? invocation.ResolvePath(given)
            : DefaultState(invocation.ResolvePath(invocation.Source.ConfigurationFile), first, second, keyPrefix);
        return new Names(first, second, path);
    }

    /// <summary>The default state database: <c>.atomiton-sync/&lt;A&gt;--&lt;B&gt;[-&lt;prefix hash&gt;].db</c> next to plugins.json.</summary>
    internal static string DefaultState(string configurationFile, string a, string b, string prefix)
    {
        string folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configurationFile))!, ".atomiton-sync");
        string suffix = prefix.Length == 0 ? "" : "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix)))[..12];
        return Path.Combine(folder, $"{a}--{b}{suffix}.db");
    }

    private static ConflictPolicy ParseConflict(string text) => text.ToLowerInvariant() switch
    {
        "keep-both" => ConflictPolicy.KeepBoth,
        "newer" => ConflictPolicy.NewerWins,
        "prefer-a" => ConflictPolicy.PreferA,
        "prefer-b" => ConflictPolicy.PreferB,
        "skip" => ConflictPolicy.Skip,
        _ => throw new CommandLineException(ExitCodes.Usage, $"--conflict '{text}' is not a policy; give keep-both, newer, prefer-a, prefer-b or skip."),
    };

    private static DeleteVsModify ParseDelete(string text) => text.ToLowerInvariant() switch
    {
        "modify-wins" => DeleteVsModify.ModifyWins,
        "delete-wins" => DeleteVsModify.DeleteWins,
        _ => throw new CommandLineException(ExitCodes.Usage, $"--delete '{text}' is not a policy; give modify-wins or delete-wins."),
    };

    private static Option<int> ParallelOption() =>
        new("--parallel") { Description = "How many keys are transferred at once (default 4; 1 = one at a time). Copies still finish before deletes start.", DefaultValueFactory = _ => 4 };

    private static Option<string?> WaitOption() =>
        new("--wait") { Description = "When another sync of this pair is running, wait up to this long for it to finish (30s, 10m, 2h) instead of exiting 8." };

    /// <summary><c>--wait</c>: a count of seconds, minutes or hours (<c>30s</c>, <c>10m</c>, <c>2h</c>); none is zero (refuse at once).</summary>
    internal static TimeSpan ParseWait(string? text)
    {
        if (text is null)
        {
            return TimeSpan.Zero;
        }

        if (text.Length >= 2 && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count <= 1_000_000)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(count);
                case 'm': return TimeSpan.FromMinutes(count);
                case 'h': return TimeSpan.FromHours(count);
            }
        }

        throw new CommandLineException(ExitCodes.Usage, $"--wait '{text}' is not a duration; give a number of seconds, minutes or hours: 30s, 10m, 2h.");
    }

    private static int ParseParallel(int value) => value is >= 1 and <= 64 ? value
        : throw new CommandLineException(ExitCodes.Usage, $"--parallel {value} is out of range: give 1 to 64 transfers at once (default 4).");

    private static SyncOptions ApplyMaxDelete(SyncOptions options, string text)
    {
        if (text.EndsWith('%') && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) && percent is >= 0 and <= 100)
        {
            return options with { MaxDeletePercent = percent };
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            return options with { MaxDeleteCount = count, MaxDeletePercent = 100, MaxDeleteMinKeys = count };
        }

        throw new CommandLineException(ExitCodes.Usage, $"--max-delete '{text}' is neither a percentage (50%) nor a count (100).");
    }

    internal static int ExitCodeOf(SyncStatus status) => status switch
    {
        SyncStatus.Completed => ExitCodes.Success,
        SyncStatus.RetryLater => ExitCodes.RetryLater,
        _ => ExitCodes.NeedsAttention,
    };

    private static Progress<SyncProgress>? Progress(Invocation invocation)
    {
        if (invocation.Json)
        {
            return null;
        }

        // Progress<T> runs its callbacks on the thread pool, and parallel transfers report from several
        // threads: one line at a time, and the phase seen by one report is the one the next compares with.
        string? phase = null;
        var gate = new Lock();
        return new Progress<SyncProgress>(report =>
        {
            lock (gate)
            {
                if (report.Phase == "wait")
                {
                    phase = report.Phase;
                    invocation.Error.WriteLine($"wait: {report.Detail}");
                }
                else if (report.Phase != phase || (report.Phase == "apply" && report.Done % 500 == 0))
                {
                    phase = report.Phase;
                    invocation.Error.WriteLine(report.Total is { } total ? $"{report.Phase}: {report.Done}/{total}" : $"{report.Phase}: {report.Done}");
                }
            }
        });
    }

    private static void Report(Invocation invocation, Names names, SyncPlan plan, SyncResult? result)
    {
        if (invocation.Json)
        {
            invocation.WriteJson(new SyncReportView(
                names.A, names.B, names.State, result is null, plan.Mode.ToString(), plan.ModeReason,
                result?.Status.ToString() ?? (plan.IsAborted ? "SafetyAbort" : "DryRun"),
                plan.Totals,
                plan.Actions.Select(action => new SyncActionView(action.Kind.ToString(), action.Key, action.PreviousKey, action.From?.ToString(), action.To?.ToString(), action.Reason)).ToList(),
                plan.Verdicts.Select(verdict => new SyncVerdictView(verdict.Valve.ToString(), verdict.Side.ToString(), verdict.Message, verdict.Override, verdict.Overridden)).ToList(),
                result?.Applied ?? 0, result?.Replanned ?? 0, result?.Failed ?? 0,
                (result?.Log ?? []).Select(entry => new SyncLogView(entry.At, entry.Kind.ToString(), entry.Key, entry.RelatedKey, entry.Message)).ToList(),
                plan.RunInProgress?.Describe()));
            return;
        }

        var output = invocation.Out;
        output.WriteLine($"sync '{names.A}' (A) <-> '{names.B}' (B): {(result is null ? "dry run, nothing changed" : result.Status.ToString())}");
        if (plan.ModeReason is not null)
        {
            output.WriteLine($"  {plan.Mode}: {plan.ModeReason}");
        }

        if (plan.RunInProgress is { } running)
        {
            invocation.Error.WriteLine($"note: another sync of this pair is running ({running.Describe()}); it may change what this plan shows.");
        }

        if (result is null || invocation.Verbose)
        {
            foreach (var action in plan.Actions)
            {
                output.WriteLine($"  {action.Kind,-8} {action.Key}{(action.PreviousKey is null ? "" : $" (from {action.PreviousKey})")}  {action.Reason}");
            }
        }

        var t = plan.Totals;
        output.WriteLine($"  {t.CopiesAToB} A->B, {t.CopiesBToA} B->A, {t.DeletesOnA} deleted on A, {t.DeletesOnB} deleted on B, {t.Moves} moved, {t.Conflicts} conflicts, {t.Recorded} recorded, {t.Skipped} skipped");
        foreach (var verdict in plan.Verdicts)
        {
            (verdict.Overridden ? output : invocation.Error).WriteLine($"{(verdict.Overridden ? "  overridden" : "error")}: safety valve {verdict.Valve}: {verdict.Message}. Nothing was changed; {verdict.Override}.");
        }

        if (result is not null)
        {
            foreach (var entry in result.Log.Where(entry => entry.Kind != SyncLogKind.Trashed || invocation.Verbose))
            {
                (entry.Kind == SyncLogKind.Failed ? invocation.Error : output).WriteLine($"  {entry.Kind}: {entry.Message}");
            }

            if (result.Status == SyncStatus.RetryLater)
            {
                invocation.Error.WriteLine($"{result.Failed} keys failed with errors that may pass; run the same command again later.");
            }
            else if (result.Status == SyncStatus.NeedsAttention)
            {
                invocation.Error.WriteLine($"A human must look: see the lines above and 'atomiton-storage sync conflicts {names.A} {names.B}'.");
            }
        }
    }

    private sealed record SyncStatusView(string A, string B, string State, DateTimeOffset? LastRun, long Synced, long PresentA, long PresentB, long Unsettled, int Conflicts, bool FeedA, bool FeedB, string? RunningNow);

    private sealed record SyncActionView(string Kind, string Key, string? PreviousKey, string? From, string? To, string Reason);

    private sealed record SyncVerdictView(string Valve, string Side, string Message, string Override, bool Overridden);

    private sealed record SyncLogView(DateTimeOffset At, string Kind, string Key, string? RelatedKey, string Message);

    private sealed record SyncReportView(string A, string B, string State, bool DryRun, string Mode, string? ModeReason, string Status, SyncTotals Totals,
        List<SyncActionView> Actions, List<SyncVerdictView> Verdicts, int Applied, int Replanned, int Failed, List<SyncLogView> Log, string? RunInProgress);
}
