using System.CommandLine;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>cp</c> and <c>mv</c> within one pipeline: the object keeps its content type and metadata.</summary>
internal static class TransferCommand
{
    public static Command Create(CommandRunner runner, bool move)
    {
        string verb = move ? "mv" : "cp";
        var source = new Argument<string>("source") { Description = $"The key to {(move ? "move" : "copy")}." };
        var destination = new Argument<string>("destination") { Description = "The new key." };
        var ifNotExists = new Option<bool>("--if-not-exists") { Description = "Fail with a conflict (exit 4) instead of replacing an existing destination." };
        var command = new Command(verb, move ? "Move (rename) an object within the pipeline." : "Copy an object within the pipeline.") { source, destination, ifNotExists };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            string from = invocation.ParseResult.GetValue(source)!;
            string to = invocation.ParseResult.GetValue(destination)!;
            StorageKey.Validate(from, operation: verb);
            StorageKey.Validate(to, operation: verb);
            if (string.Equals(from, to, StringComparison.Ordinal))
            {
                throw new CommandLineException(ExitCodes.Usage, $"Source and destination are both '{from}'; give a different destination key.");
            }

            var condition = invocation.ParseResult.GetValue(ifNotExists) ? WriteCondition.IfNotExists : WriteCondition.None;
            await using var engine = await invocation.OpenPipelineAsync(cancellationToken);
            var item = move
                ? await engine.MoveAsync(from, to, condition, cancellationToken)
                : await engine.CopyAsync(from, to, condition, cancellationToken);
            if (invocation.Json)
            {
                invocation.WriteJson(new { source = from, item = ItemView.Of(item) });
            }
            else
            {
                invocation.Out.WriteLine($"{(move ? "moved" : "copied")} {from} -> {item.Key} (etag {item.ETag})");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
