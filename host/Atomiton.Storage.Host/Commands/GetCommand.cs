using System.CommandLine;
using Atomiton.Storage.Host.Cli;
using Atomiton.Storage.Host.Progress;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>get &lt;key&gt; [file|-]</c>: writes an object to a file (atomically) or to standard output.</summary>
internal static class GetCommand
{
    public static Command Create(CommandRunner runner)
    {
        var key = new Argument<string>("key") { Description = "The key of the object to read." };
        var file = new Argument<string?>("file") { Description = "Where to write it, or '-' (the default) for standard output.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("get", "Write an object to a file or standard output.") { key, file };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            string objectKey = invocation.ParseResult.GetValue(key)!;
            StorageKey.Validate(objectKey, operation: "get");
            string? path = invocation.ParseResult.GetValue(file);
            string? target = path is null or "-" ? null : invocation.ResolvePath(path);
            if (target is not null)
            {
                CheckTarget(path!, target);
            }

            await using var engine = await invocation.OpenPipelineAsync(cancellationToken);
            var progress = new TransferProgress();
            await using var result = await engine.OpenReadAsync(objectKey, target is null ? null : new ReadOptions { Progress = progress }, cancellationToken);
            if (target is null)
            {
                await using var stdout = invocation.Environment.OpenStandardOutput();
                await result.Content.CopyToAsync(stdout, cancellationToken);
                await stdout.FlushAsync(cancellationToken);
                return ExitCodes.Success;
            }

            string temporary = target + ".atomiton-partial";
            try
            {
                await using (var output = File.Create(temporary))
                {
                    if (result.Item.Size >= PutCommand.ProgressThreshold)
                    {
                        await invocation.Progress().RunAsync($"get {objectKey}", result.Item.Size, ProgressUnit.Bytes, async reporter =>
                        {
                            progress.Attach(reporter);
                            await result.Content.CopyToAsync(output, cancellationToken);
                            return true;
                        });
                    }
                    else
                    {
                        await result.Content.CopyToAsync(output, cancellationToken);
                    }
                }

                File.Move(temporary, target, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }

            if (invocation.Json)
            {
                invocation.WriteJson(new { file = target, item = ItemView.Of(result.Item) });
            }
            else
            {
                invocation.Out.WriteLine($"get {objectKey}: {ByteSize.Format(result.Item.Size)} written to {path}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    // Checked before the pipeline is opened, so the message names what the user typed, not the
    // temporary file written beside it.
    private static void CheckTarget(string path, string target)
    {
        if (Directory.Exists(target))
        {
            throw new CommandLineException(ExitCodes.Usage, $"'{path}' is a folder; name the file to write, such as {Path.Combine(path, "out.json")}.");
        }

        string? folder = Path.GetDirectoryName(target);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new CommandLineException(ExitCodes.NotFound, $"The folder of '{path}' does not exist; create it first (mkdir -p {Path.GetDirectoryName(path)}) or name a file in an existing folder.");
        }
    }
}
