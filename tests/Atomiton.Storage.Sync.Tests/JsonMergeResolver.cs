using System.Text.Json.Nodes;
using Atomiton.Storage.Sync.Conflicts;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>The docs' example resolver: merges two JSON objects field by field (B's value wins where both set a field differently).</summary>
internal sealed class JsonMergeResolver : ISyncConflictResolver
{
    public async ValueTask<SyncResolution> ResolveAsync(SyncConflict conflict, CancellationToken cancellationToken)
    {
        if (JsonNode.Parse(await conflict.ReadAsync(SyncSide.A, cancellationToken)) is not JsonObject a
            || JsonNode.Parse(await conflict.ReadAsync(SyncSide.B, cancellationToken)) is not JsonObject b)
        {
            return SyncResolution.KeepBoth;
        }

        foreach (var (name, value) in b)
        {
            a[name] = value?.DeepClone();
        }

        return SyncResolution.Merged(System.Text.Encoding.UTF8.GetBytes(a.ToJsonString()), "application/json");
    }
}
