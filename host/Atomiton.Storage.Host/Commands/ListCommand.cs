using System.CommandLine;
using System.Globalization;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>ls [prefix] [--recursive] [--long]</c>: lists objects, one level at a time unless recursive.</summary>
internal static class ListCommand
{
    public static Command Create(CommandRunner runner)
    {
        var prefix = new Argument<string>("prefix") { Description = "List keys starting with this (end it with '/' for a folder). Default: everything.", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "" };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "List every key below the prefix instead of one level." };
        var longFormat = new Option<bool>("--long", "-l") { Description = "Show size, last update, ETag and content type." };
        var command = new Command("ls", "List objects and folders under a prefix.") { prefix, recursive, longFormat };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            bool isLong = invocation.ParseResult.GetValue(longFormat);
            var options = new ListOptions
            {
                Prefix = invocation.ParseResult.GetValue(prefix) ?? "",
                Recursive = invocation.ParseResult.GetValue(recursive),
                // The short format prints keys alone: let engines skip reading metadata.
                KeysOnly = !isLong && !invocation.Json,
            };
            await using var engine = await invocation.OpenPipelineAsync(cancellationToken);
            var views = new List<object>();
            // Engines that list only whole trees (Google Drive: one flat folder of full keys) still
            // answer one level: the recursive listing is folded here into its objects and first-level folders.
            var folded = !options.Recursive && !engine.Capabilities.HasFlag(StorageCapabilities.ShallowList) && engine.Capabilities.HasFlag(StorageCapabilities.RecursiveList)
                ? new HashSet<string>(StringComparer.Ordinal)
                : null;
            await foreach (var listed in engine.ListAsync(folded is null ? options : options with { Recursive = true }, cancellationToken))
            {
                var entry = listed;
                if (folded is not null && FirstLevelFolder(options.Prefix, listed.Key) is { } folder)
                {
                    if (!folded.Add(folder))
                    {
                        continue;
                    }

                    entry = StorageEntry.ForPrefix(folder);
                }

                if (invocation.Json)
                {
                    views.Add(entry.Item is { } item ? new { type = "object", item = ItemView.Of(item) } : new { type = entry.IsPrefix ? "prefix" : "object", key = entry.Key });
                    continue;
                }

                invocation.Out.WriteLine(Format(entry, isLong));
            }

            if (invocation.Json)
            {
                invocation.WriteJson(new { prefix = options.Prefix, recursive = options.Recursive, entries = views });
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The folder one level below <paramref name="prefix"/> that holds <paramref name="key"/>, or null when the key sits at that level.</summary>
    private static string? FirstLevelFolder(string prefix, string key)
    {
        int separator = key.IndexOf(StorageKey.Separator, prefix.Length);
        return separator < 0 ? null : key[..(separator + 1)];
    }

    private static string Format(StorageEntry entry, bool isLong)
    {
        if (!isLong)
        {
            return entry.Key;
        }

        if (entry.Item is not { } item)
        {
            return entry.IsPrefix ? $"{"PRE",12}  {"",20}  {"",-18}  {entry.Key}" : $"{"",12}  {"",20}  {"",-18}  {entry.Key}";
        }

        string updated = item.Updated.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        string etag = item.ETag.Length > 18 ? item.ETag[..17] + "…" : item.ETag;
        string size = item.Size.ToString(CultureInfo.InvariantCulture);
        return $"{size,12}  {updated,20}  {etag,-18}  {item.Key}{(item.ContentType is null ? "" : "  (" + item.ContentType + ")")}";
    }
}
