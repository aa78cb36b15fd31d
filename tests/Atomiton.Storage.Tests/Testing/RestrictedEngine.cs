namespace Atomiton.Storage.Tests.Testing;

/// <summary>A wrapper that declares fewer capabilities than its inner engine has: the base class must then refuse the rest as unsupported.</summary>
internal sealed class RestrictedEngine(IStorageEngine inner, StorageCapabilities capabilities) : DelegatingStorageEngine(inner)
{
    public override string EngineType => "restricted";

    public override StorageCapabilities Capabilities => capabilities & Inner.Capabilities;
}
