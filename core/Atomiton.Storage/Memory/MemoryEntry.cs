namespace Atomiton.Storage.Memory;

/// <summary>One stored object: immutable content and the metadata that describes it.</summary>
internal sealed record MemoryEntry(byte[] Content, StorageItem Item);
