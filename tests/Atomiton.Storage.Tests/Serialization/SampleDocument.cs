namespace Atomiton.Storage.Tests.Serialization;

public sealed record SampleDocument(string Name, int Count, IReadOnlyList<string> Tags);
