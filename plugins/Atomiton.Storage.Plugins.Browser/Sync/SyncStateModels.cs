using System.Text.Json.Serialization;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Plugins.Browser.Sync;

/// <summary>The JSON the IndexedDB sync state keeps versions, bases, the pair record, log lines and the run lock in (source-generated, trimming-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SyncVersion))]
[JsonSerializable(typeof(SyncBase))]
[JsonSerializable(typeof(SyncPairState))]
[JsonSerializable(typeof(SyncLogEntry))]
[JsonSerializable(typeof(SyncRunLock))]
[JsonSerializable(typeof(DateTimeOffset))]
internal sealed partial class SyncStateBrowserJson : JsonSerializerContext;

/// <summary>One key's record as the page answers it: the JSON of A, B and the base (null when absent).</summary>
internal sealed class JsSyncKey
{
    [JsonPropertyName("k")] public string Key { get; set; } = "";

    [JsonPropertyName("a")] public string? A { get; set; }

    [JsonPropertyName("b")] public string? B { get; set; }

    [JsonPropertyName("s")] public string? Base { get; set; }
}

/// <summary>One key's record as .NET writes it (the flags become the page's sparse index fields).</summary>
internal sealed class JsSyncKeyRecord
{
    [JsonPropertyName("k")] public string Key { get; set; } = "";

    [JsonPropertyName("a")] public string? A { get; set; }

    [JsonPropertyName("b")] public string? B { get; set; }

    [JsonPropertyName("s")] public string? Base { get; set; }

    [JsonPropertyName("pa")] public int PresentA { get; set; }

    [JsonPropertyName("pb")] public int PresentB { get; set; }

    [JsonPropertyName("sy")] public int Synced { get; set; }

    [JsonPropertyName("u")] public int Unsettled { get; set; }
}

/// <summary>A page of key records.</summary>
internal sealed class JsSyncKeyPage
{
    [JsonPropertyName("items")] public List<JsSyncKey> Items { get; set; } = [];

    [JsonPropertyName("more")] public bool More { get; set; }
}

/// <summary>One log line: its number and JSON.</summary>
internal sealed class JsSyncLogLine
{
    [JsonPropertyName("n")] public long Number { get; set; }

    [JsonPropertyName("j")] public string Json { get; set; } = "";
}

/// <summary>A page of log lines.</summary>
internal sealed class JsSyncLogPage
{
    [JsonPropertyName("items")] public List<JsSyncLogLine> Items { get; set; } = [];

    [JsonPropertyName("more")] public bool More { get; set; }
}

/// <summary>The counts from the page's sparse indexes.</summary>
internal sealed class JsSyncCounts
{
    [JsonPropertyName("synced")] public long Synced { get; set; }

    [JsonPropertyName("presentA")] public long PresentA { get; set; }

    [JsonPropertyName("presentB")] public long PresentB { get; set; }

    [JsonPropertyName("unsettled")] public long Unsettled { get; set; }
}

/// <summary>The run lock record as stored.</summary>
internal sealed class JsSyncLock
{
    [JsonPropertyName("owner")] public string Owner { get; set; } = "";

    [JsonPropertyName("expires")] public string Expires { get; set; } = "";

    [JsonPropertyName("json")] public string Json { get; set; } = "";
}

/// <summary>What the lock's compare-and-set found.</summary>
internal sealed class JsSyncAcquire
{
    [JsonPropertyName("acquired")] public bool Acquired { get; set; }

    [JsonPropertyName("holder")] public string Holder { get; set; } = "";

    [JsonPropertyName("takenOver")] public string? TakenOver { get; set; }
}
