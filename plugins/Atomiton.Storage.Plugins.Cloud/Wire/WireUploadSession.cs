namespace Atomiton.Storage.Cloud.Wire;

/// <summary>The state of an upload session: how many bytes the server holds (where the next chunk starts).</summary>
internal sealed record WireUploadSession(string Id, string Key, long Offset, long? Length, WireItem? Committed);
