using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience;

/// <summary>Resolves the member pipelines of a failover or mirror stage, with errors that name the stage and option.</summary>
internal static class MemberPipelines
{
    public static async ValueTask<List<KeyValuePair<string, IStorageEngine>>> ResolveAsync(string provider, IList<string> names, StorageProviderContext context, CancellationToken cancellationToken)
    {
        string where = $"stage '{context.StageName}' of pipeline '{context.PipelineName}'";
        if (names is not { Count: > 0 })
        {
            throw Invalid(provider, $"The {provider} {where} needs at least one member pipeline in option Members.");
        }

        if (context.ResolvePipeline is null)
        {
            throw Invalid(provider, $"The {provider} {where} names member pipelines, but the host offers no way to build them (StorageProviderContext.ResolvePipeline is null).");
        }

        var resolved = new List<KeyValuePair<string, IStorageEngine>>(names.Count);
        try
        {
            foreach (var name in names)
            {
                if (string.IsNullOrWhiteSpace(name) || string.Equals(name, context.PipelineName, StringComparison.Ordinal) || resolved.Any(pair => pair.Key == name))
                {
                    throw Invalid(provider, $"Option Members of the {provider} {where} lists '{name}', which is empty, repeated, or the pipeline itself. List other pipelines, each once.");
                }

                resolved.Add(new(name, await context.ResolvePipeline(name, cancellationToken)));
            }
        }
        catch
        {
            foreach (var pair in resolved)
            {
                await pair.Value.DisposeAsync();
            }

            throw;
        }

        return resolved;
    }

    private static StorageException Invalid(string provider, string message) =>
        new(StorageErrorCode.InvalidConfiguration, message) { Provider = provider, Operation = "create" };
}
