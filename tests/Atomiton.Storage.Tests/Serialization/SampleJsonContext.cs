using System.Text.Json.Serialization;

namespace Atomiton.Storage.Tests.Serialization;

[JsonSerializable(typeof(SampleDocument))]
[JsonSerializable(typeof(List<SampleDocument>))]
[JsonSerializable(typeof(CyclicNode))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
