using Atomiton.Storage.Memory;

namespace Atomiton.Storage.Tests.Serialization;

/// <summary>A memory engine that does not declare content types, as some backends do not.</summary>
internal sealed class ContentTypeBlindEngine() : DelegatingStorageEngine(new MemoryEngine())
{
    public override string EngineType => "blind";

    public override StorageCapabilities Capabilities => Inner.Capabilities & ~StorageCapabilities.ContentType;
}
