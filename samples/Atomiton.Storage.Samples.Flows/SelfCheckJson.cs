using System.Text.Json.Serialization;

namespace Atomiton.Storage.Samples.Flows;

/// <summary>Source-generated JSON for the self-check report (trimming-safe).</summary>
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(List<Dictionary<string, double>>))]
internal sealed partial class SelfCheckJson : JsonSerializerContext;
