using System.CommandLine;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>rm &lt;key&gt;...</c>: deletes objects; a missing key is an error unless <c>--force</c>.</summary>
internal static class RemoveCommand
{
    public static Command Create(CommandRunner runner)
    {
        var keys = new Argument<string[]>("key") { Description = "The keys of the objects to delete.", Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force", "-f") { Description = "Succeed for keys that do not exist." };
        var ifMatch = new Option<string?>("--if-match") { Description = "Delete only if the object's current ETag is this one (exit 4 otherwise)." };
        var command = new Command("rm", "Delete objects.") { keys, force, ifMatch };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            string[] targets = invocation.ParseResult.GetValue(keys)!;
            foreach (string key in targets)
            {
                StorageKey.Validate(key, operation: "rm");
            }

            string? etag = invocation.ParseResult.GetValue(ifMatch);
            var options = string.IsNullOrEmpty(etag) ? null : new DeleteOptions { IfMatch = etag };
            await using var engine = await invocation.OpenPipelineAsync(cancellationToken);
            var deleted = new List<string>();
            var missing = new List<string>();
            foreach (string key in targets)
            {
                bool removed = await engine.DeleteAsync(key, options, cancellationToken);
                (removed ? deleted : missing).Add(key);
                if (!invocation.Json)
                {
                    invocation.Out.WriteLine(removed ? $"deleted {key}" : $"not found {key}");
                }
            }

            if (invocation.Json)
            {
                invocation.WriteJson(new { deleted, missing });
            }

            if (missing.Count > 0 && !invocation.ParseResult.GetValue(force))
            {
                throw new CommandLineException(ExitCodes.NotFound,
                    $"No object is stored under {string.Join(", ", missing.Select(k => $"'{k}'"))}; nothing was deleted for {(missing.Count == 1 ? "it" : "them")}. Check the key with 'ls', or pass --force to ignore missing keys.");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
