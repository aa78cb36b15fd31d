using System.CommandLine;
using Atomiton.Storage.Host.Cli;
using Atomiton.Storage.Host.Progress;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>put &lt;key&gt; [file|-]</c>: stores a file (or standard input) under a key.</summary>
internal static class PutCommand
{
    /// <summary>Inputs at least this large show progress.</summary>
    internal const long ProgressThreshold = 8L << 20;

    public static Command Create(CommandRunner runner)
    {
        var key = new Argument<string>("key") { Description = "The key to store the object under, such as flows/hello.json." };
        var file = new Argument<string?>("file") { Description = "The file to store, or '-' (the default) for standard input.", Arity = ArgumentArity.ZeroOrOne };
        var contentType = new Option<string?>("--content-type") { Description = "The object's content type (default: guessed from the file extension)." };
        var metadata = new Option<string[]>("--metadata", "-m") { Description = "User metadata as name=value; repeat for several.", Arity = ArgumentArity.ZeroOrMore };
        var ifNotExists = new Option<bool>("--if-not-exists") { Description = "Fail with a conflict (exit 4) instead of replacing an existing object." };
        var ifMatch = new Option<string?>("--if-match") { Description = "Replace only if the object's current ETag is this one (exit 4 otherwise)." };
        var command = new Command("put", "Store a file or standard input under a key.") { key, file, contentType, metadata, ifNotExists, ifMatch };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            var parse = invocation.ParseResult;
            string objectKey = parse.GetValue(key)!;
            StorageKey.Validate(objectKey, operation: "put");
            string? path = parse.GetValue(file);
            bool fromStdin = path is null or "-";
            string? source = fromStdin ? null : invocation.ResolvePath(path!);
            if (source is not null && Directory.Exists(source))
            {
                throw new CommandLineException(ExitCodes.Usage, $"Input '{path}' is a folder; put stores one file. Name a file in it, or use '-' to read standard input.");
            }

            if (source is not null && !File.Exists(source))
            {
                throw new CommandLineException(ExitCodes.NotFound, $"Input file '{path}' does not exist; name an existing file, or '-' to read standard input.");
            }

            var objectMetadata = MetadataParser.Parse(parse.GetValue(metadata));
            var condition = Conditions.From(parse.GetValue(ifNotExists), parse.GetValue(ifMatch));
            string pipeline = invocation.Source.ResolveName(invocation.Pipeline);
            await using var engine = await invocation.OpenPipelineAsync(cancellationToken);
            var options = new SaveOptions
            {
                // A guessed type is a convenience: an engine that keeps no content types (Dropbox) stores the
                // object without one. A type given with --content-type is a request, refused there as before.
                ContentType = parse.GetValue(contentType)
                    ?? (fromStdin || !engine.Capabilities.HasFlag(StorageCapabilities.ContentType) ? null : ContentTypes.Guess(path!)),
                Metadata = objectMetadata,
                Condition = condition,
            };
            await using Stream input = source is null ? invocation.Environment.OpenStandardInput() : File.OpenRead(source);
            StorageItem item;
            if (!fromStdin && input.Length >= ProgressThreshold)
            {
                var progress = new TransferProgress();
                options = options with { ExpectedLength = input.Length, Progress = progress };
                item = await invocation.Progress().RunAsync($"put {objectKey}", input.Length, ProgressUnit.Bytes, reporter =>
                {
                    progress.Attach(reporter);
                    return engine.SaveAsync(objectKey, input, options, cancellationToken).AsTask();
                });
            }
            else
            {
                item = await engine.SaveAsync(objectKey, input, fromStdin ? options : options with { ExpectedLength = input.Length }, cancellationToken);
            }

            if (invocation.Json)
            {
                invocation.WriteJson(new { pipeline, item = ItemView.Of(item) });
            }
            else
            {
                invocation.Out.WriteLine($"put {item.Key}: {ByteSize.Format(item.Size)}, etag {item.ETag} (pipeline '{pipeline}')");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
