namespace Atomiton.Storage.Cloud.Wire;

/// <summary>One listing entry: an object (with its item) or a common prefix (item null).</summary>
internal sealed record WireEntry(string Key, WireItem? Item);
