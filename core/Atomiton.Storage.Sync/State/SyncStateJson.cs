using System.Text.Json.Serialization;

namespace Atomiton.Storage.Sync.State;

/// <summary>The JSON shapes the SQLite store keeps versions and bases in (source-generated, trimming-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SyncVersion))]
[JsonSerializable(typeof(SyncBase))]
internal sealed partial class SyncStateJson : JsonSerializerContext;
