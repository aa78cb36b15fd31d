using System.CommandLine;
using System.Globalization;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary>
/// <c>dedupe [--prefix &lt;p&gt;] [--dry-run]</c>: on a pipeline whose backend may hold several
/// objects under one key (a <c>gdrive</c> stage), deletes every object of such a key but the one reads
/// return, so nothing a reader sees changes. The stage is reached through the built pipeline: the
/// first engine of the chain (following <see cref="DelegatingStorageEngine.Inner"/>) that offers the
/// contract's <see cref="IStorageDeduplicator"/>.
/// </summary>
internal static class DedupeCommand
{
    public static Command Create(CommandRunner runner)
    {
        var prefix = new Option<string>("--prefix") { Description = "Only keys that start with this. Default: every key.", DefaultValueFactory = _ => "" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Report the keys with duplicates and what would be deleted; delete nothing." };
        var command = new Command("dedupe", "Keep one object per key on a backend that allows duplicate names (gdrive): the one reads return; delete the others.") { prefix, dryRun };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            string pipeline = invocation.Source.ResolveName(invocation.Pipeline);
            bool dry = invocation.ParseResult.GetValue(dryRun);
            string under = invocation.ParseResult.GetValue(prefix) ?? "";
            await using var engine = await invocation.OpenPipelineAsync(cancellationToken);
            var deduplicator = FindDeduplicator(engine) ?? throw new CommandLineException(ExitCodes.Configuration,
                $"Pipeline '{pipeline}' has no stage whose backend allows several objects under one key (such as gdrive), so it holds no duplicates to remove. Name such a pipeline with --pipeline.");

            var keys = new List<object>();
            int removed = 0;
            await foreach (var set in deduplicator.DedupeAsync(under, dry, cancellationToken))
            {
                removed += set.Removed;
                keys.Add(new { key = set.Key, removed = set.Removed, kept = ItemView.Of(set.Kept) });
                if (!invocation.Json)
                {
                    invocation.Out.WriteLine($"{set.Key}: kept the copy updated {set.Kept.Updated.ToString("O", CultureInfo.InvariantCulture)} (ETag {set.Kept.ETag}); {(dry ? "would delete" : "deleted")} {set.Removed} other{(set.Removed == 1 ? "" : "s")}");
                }
            }

            if (invocation.Json)
            {
                invocation.WriteJson(new { pipeline, dryRun = dry, prefix = under, keys, removed });
                return ExitCodes.Success;
            }

            invocation.Out.WriteLine(keys.Count == 0
                ? $"pipeline '{pipeline}': no key{(under.Length == 0 ? "" : $" under '{under}'")} names more than one object"
                : $"pipeline '{pipeline}': {keys.Count} key{(keys.Count == 1 ? "" : "s")} had duplicates; {(dry ? "would delete" : "deleted")} {removed} object{(removed == 1 ? "" : "s")}{(dry ? " (dry run: nothing was deleted)" : "")}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static IStorageDeduplicator? FindDeduplicator(IStorageEngine engine)
    {
        for (IStorageEngine? stage = engine; stage is not null; stage = (stage as DelegatingStorageEngine)?.Inner)
        {
            if (stage is IStorageDeduplicator deduplicator)
            {
                return deduplicator;
            }
        }

        return null;
    }
}
