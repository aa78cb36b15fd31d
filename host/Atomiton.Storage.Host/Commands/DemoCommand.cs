using System.CommandLine;
using System.Text;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary>
/// <c>demo</c>: shows the product working end to end on the chosen pipeline — saves a sample flow,
/// lists it, loads it back and compares, and prints the pipeline's info — saying what it did.
/// </summary>
internal static class DemoCommand
{
    internal const string SampleKey = "demo/flows/hello-flow.json";

    private const string SampleFlow = """
        {
          "id": "hello-flow",
          "name": "Hello, Atomiton",
          "version": 1,
          "nodes": [
            { "id": "start", "type": "trigger.manual" },
            { "id": "greet", "type": "text.template", "config": { "template": "Hello, {{name}}!" } },
            { "id": "save", "type": "storage.save", "config": { "key": "demo/out/greeting.txt" } }
          ],
          "edges": [
            { "from": "start", "to": "greet" },
            { "from": "greet", "to": "save" }
          ]
        }
        """;

    public static Command Create(CommandRunner runner)
    {
        var command = new Command("demo", "Save a sample flow, list it, load it back and show the pipeline's info: the product working end to end.");
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            string pipeline = invocation.Source.ResolveName(invocation.Pipeline);
            var log = invocation.Json ? TextWriter.Null : invocation.Out;
            log.WriteLine($"Using pipeline '{pipeline}' from {invocation.Source.ConfigurationFile}.");
            await using var engine = await invocation.OpenPipelineAsync(cancellationToken, pipeline);

            byte[] content = Encoding.UTF8.GetBytes(SampleFlow);
            var saved = await engine.SaveAsync(SampleKey, content, new SaveOptions
            {
                ContentType = "application/json",
                Metadata = new Dictionary<string, string> { ["author"] = "atomiton-demo" },
            }, cancellationToken);
            log.WriteLine($"1. saved   {saved.Key} ({saved.Size} bytes, etag {saved.ETag})");

            var listed = new List<string>();
            await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "demo/flows/" }, cancellationToken))
            {
                listed.Add(entry.Key);
            }

            log.WriteLine($"2. listed  demo/flows/: {string.Join(", ", listed)}");

            byte[] loaded = await engine.LoadBytesAsync(SampleKey, cancellationToken: cancellationToken);
            bool identical = loaded.AsSpan().SequenceEqual(content);
            log.WriteLine($"3. loaded  {SampleKey} ({loaded.Length} bytes, {(identical ? "identical to what was saved" : "DIFFERENT from what was saved")})");

            var info = await engine.GetInfoAsync(cancellationToken);
            log.WriteLine("4. info");
            InfoCommand.Write(log, pipeline, info);
            string tool = CommandName.For(invocation.Environment) + ConfigurationArguments(invocation);
            log.WriteLine($"Done. Look at it yourself: {tool} ls demo/ --recursive --long; {tool} get {SampleKey}");
            if (invocation.Json)
            {
                invocation.WriteJson(new { pipeline, saved = ItemView.Of(saved), listed, loadedBytes = loaded.Length, identical, info = InfoView.Of(info) });
            }

            return identical
                ? ExitCodes.Success
                : throw new CommandLineException(ExitCodes.Other, $"Pipeline '{pipeline}' returned different bytes for {SampleKey} than were saved; run 'atomiton-storage info' and check its stages.");
        });
        return command;
    }

    // The options that chose this configuration and pipeline, so the printed commands look where the demo wrote.
    private static string ConfigurationArguments(Invocation invocation)
    {
        var arguments = new System.Text.StringBuilder();
        if (invocation.ConfigOption is { } config)
        {
            arguments.Append(" --config ").Append(config.Contains(' ', StringComparison.Ordinal) ? $"\"{config}\"" : config);
        }

        if (invocation.Pipeline is { } pipeline)
        {
            arguments.Append(" --pipeline ").Append(pipeline);
        }

        return arguments.ToString();
    }
}
