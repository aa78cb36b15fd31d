using System.CommandLine;
using System.Globalization;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>stat &lt;key&gt;</c>: prints one object's metadata.</summary>
internal static class StatCommand
{
    public static Command Create(CommandRunner runner)
    {
        var key = new Argument<string>("key") { Description = "The key of the object." };
        var command = new Command("stat", "Show an object's size, ETag, dates, content type and metadata.") { key };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            string objectKey = invocation.ParseResult.GetValue(key)!;
            StorageKey.Validate(objectKey, operation: StorageOperation.Stat);
            await using var engine = await invocation.OpenPipelineAsync(cancellationToken);
            var item = await engine.StatAsync(objectKey, cancellationToken);
            if (invocation.Json)
            {
                invocation.WriteJson(ItemView.Of(item));
                return ExitCodes.Success;
            }

            var table = new TableWriter("key", item.Key);
            table.Add("size", item.Size.ToString(CultureInfo.InvariantCulture));
            table.Add("etag", item.ETag);
            table.Add("created", item.Created.ToString("O", CultureInfo.InvariantCulture));
            table.Add("updated", item.Updated.ToString("O", CultureInfo.InvariantCulture));
            table.Add("content-type", item.ContentType ?? "(none)");
            foreach (var (name, value) in item.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                table.Add($"meta.{name}", value);
            }

            table.WriteTo(invocation.Out);
            return ExitCodes.Success;
        });
        return command;
    }
}
