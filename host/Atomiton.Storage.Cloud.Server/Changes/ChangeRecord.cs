using System.Text.Json.Serialization;

namespace Atomiton.Storage.Cloud.Server.Changes;

/// <summary>
/// One line of the change log file (JSON). Kinds: <c>intent</c> (a write is about to run on
/// <see cref="Keys"/>), <c>done</c> (that write changed nothing), and the changes <c>upsert</c>,
/// <c>delete</c> and <c>move</c>, which carry a sequence number and complete their intent. Keys are
/// the served engine's whole keys (tenant prefix included); answers take the prefix off.
/// </summary>
internal sealed record ChangeRecord
{
    public const string Intent = "intent";
    public const string Done = "done";
    public const string Upsert = "upsert";
    public const string Delete = "delete";
    public const string Move = "move";

    /// <summary>What the line is.</summary>
    [JsonPropertyName("k")]
    public required string Kind { get; init; }

    /// <summary>The sequence number of a change (1, 2, …, contiguous within an epoch); 0 for intents and done lines.</summary>
    [JsonPropertyName("s")]
    public long Seq { get; init; }

    /// <summary>The intent this line opens or completes.</summary>
    [JsonPropertyName("i")]
    public long IntentId { get; init; }

    /// <summary>When the change was recorded, on the server's clock (retention counts from it).</summary>
    [JsonPropertyName("t")]
    public DateTimeOffset At { get; init; }

    /// <summary>The key changed (for a move, the destination).</summary>
    [JsonPropertyName("key")]
    public string? Key { get; init; }

    /// <summary>For a move, the source.</summary>
    [JsonPropertyName("from")]
    public string? From { get; init; }

    /// <summary>For an upsert or a move, the object's item (whole engine key).</summary>
    [JsonPropertyName("item")]
    public WireItem? Item { get; init; }

    /// <summary>For an intent, the keys the write may change.</summary>
    [JsonPropertyName("keys")]
    public IReadOnlyList<string>? Keys { get; init; }

    [JsonIgnore]
    public bool IsChange => Kind is Upsert or Delete or Move;
}

/// <summary>The first line of the change log file: the format and the epoch its sequence numbers belong to.</summary>
internal sealed record ChangeLogHeader
{
    public const string CurrentFormat = "atomiton-cloud-changes/1";

    [JsonPropertyName("format")]
    public required string Format { get; init; }

    /// <summary>Random at the log's creation; a cursor of another epoch is Untrusted.</summary>
    [JsonPropertyName("epoch")]
    public required string Epoch { get; init; }

    /// <summary>The last sequence number compacted away; a cursor before it is expired (Trusted).</summary>
    [JsonPropertyName("floor")]
    public long Floor { get; init; }
}
