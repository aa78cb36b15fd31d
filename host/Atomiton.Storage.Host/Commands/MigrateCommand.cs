using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Atomiton.Storage.Host.Cli;
using Atomiton.Storage.Host.Migration;
using Atomiton.Storage.Host.Progress;

namespace Atomiton.Storage.Host.Commands;

/// <summary>
/// <c>migrate --from a --to b</c>: copies every object with its metadata, verifies each by hash,
/// resumes from a checkpoint, and deletes from the source only with <c>--delete-source</c> after a
/// fully verified copy.
/// </summary>
internal static class MigrateCommand
{
    public static Command Create(CommandRunner runner)
    {
        var from = new Option<string>("--from") { Description = "The source pipeline.", Required = true };
        var to = new Option<string>("--to") { Description = "The target pipeline.", Required = true };
        var prefix = new Option<string>("--prefix") { Description = "Only migrate keys starting with this.", DefaultValueFactory = _ => "" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be copied; write and delete nothing." };
        var parallel = new Option<int>("--parallel") { Description = "How many objects to copy at once (1-64).", DefaultValueFactory = _ => 4 };
        var deleteSource = new Option<bool>("--delete-source") { Description = "After every object is copied and verified, delete it from the source (each re-checked first)." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "The checkpoint file (default: .atomiton-migrate/<from>-<to>.checkpoint next to plugins.json)." };
        var command = new Command("migrate", "Copy every object from one pipeline to another, verified by hash, resumable after an interruption.")
        {
            from, to, prefix, dryRun, parallel, deleteSource, checkpoint,
        };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            var parse = invocation.ParseResult;
            int degree = parse.GetValue(parallel);
            if (degree is < 1 or > 64)
            {
                throw new CommandLineException(ExitCodes.Usage, $"--parallel {degree} is out of range; give 1 to 64.");
            }

            string keyPrefix = parse.GetValue(prefix) ?? "";
            StorageKey.ValidatePrefix(keyPrefix, operation: "migrate");
            string source = invocation.Source.ResolveName(parse.GetValue(from));
            string target = invocation.Source.ResolveName(parse.GetValue(to));
            if (string.Equals(source, target, StringComparison.OrdinalIgnoreCase))
            {
                throw new CommandLineException(ExitCodes.Usage, $"--from and --to are both '{source}'; migrate between two different pipelines.");
            }

            var request = new MigrationRequest(source, target, keyPrefix, parse.GetValue(dryRun), degree, parse.GetValue(deleteSource),
                parse.GetValue(checkpoint) is { } checkpointFile
                    ? invocation.ResolvePath(checkpointFile)
                    : DefaultCheckpoint(invocation.ResolvePath(invocation.Source.ConfigurationFile), source, target, keyPrefix));
            await using var sourceEngine = await invocation.OpenPipelineAsync(cancellationToken, source);
            await using var targetEngine = await invocation.OpenPipelineAsync(cancellationToken, target);
            var writeLock = new Lock();
            var runner = new MigrationRunner(request, sourceEngine, targetEngine, invocation.Progress(), outcome =>
            {
                if (invocation.Json || !(invocation.Verbose || request.DryRun || outcome.IsFailed))
                {
                    return;
                }

                lock (writeLock)
                {
                    (outcome.IsFailed ? invocation.Error : invocation.Out).WriteLine(outcome.Describe());
                }
            });
            var summary = await runner.RunAsync(cancellationToken);
            if (invocation.Json)
            {
                invocation.WriteJson(summary);
            }
            else
            {
                Print(invocation.Out, summary);
            }

            if (summary.Failed > 0)
            {
                throw new CommandLineException(ExitCodes.Other,
                    $"{summary.Failed} object{(summary.Failed == 1 ? "" : "s")} failed (listed above){(request.DeleteSource ? "; the source was kept" : "")}. Fix the cause and run the same command again: it resumes from {summary.Checkpoint} and retries them.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    internal static string DefaultCheckpoint(string configurationFile, string from, string to, string prefix)
    {
        string folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configurationFile))!, ".atomiton-migrate");
        string suffix = prefix.Length == 0 ? "" : "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix)))[..12];
        return Path.Combine(folder, $"{from}-{to}{suffix}.checkpoint");
    }

    private static void Print(TextWriter writer, MigrationSummary summary)
    {
        string what = summary.DryRun ? "dry run, nothing written" : summary.Resumed ? $"resumed; {summary.VerifiedEarlier} objects verified by earlier runs" : "complete run";
        writer.WriteLine($"migrate '{summary.From}' -> '{summary.To}'{(summary.Prefix.Length == 0 ? "" : $" (prefix '{summary.Prefix}')")}: {what}");
        writer.WriteLine($"  objects:  {summary.Objects}");
        writer.WriteLine($"  bytes:    {ByteSize.Format(summary.Bytes)}{(summary.DryRun ? " to copy" : " copied")}");
        writer.WriteLine($"  copied:   {summary.Copied}");
        writer.WriteLine($"  verified: {summary.Verified}");
        writer.WriteLine($"  skipped:  {summary.Skipped}");
        writer.WriteLine($"  failed:   {summary.Failed}");
        if (summary.Deleted > 0)
        {
            writer.WriteLine($"  deleted from source: {summary.Deleted}");
        }

        if (summary.Checkpoint is not null)
        {
            writer.WriteLine($"  checkpoint kept: {summary.Checkpoint}");
        }
    }
}
