namespace Atomiton.Storage.Tests.Testing;

/// <summary>The thinnest wrapper: every operation forwarded by <see cref="DelegatingStorageEngine"/>; the kit must pass through it unchanged.</summary>
internal sealed class PassThroughEngine(IStorageEngine inner, bool ownsInner = true) : DelegatingStorageEngine(inner, ownsInner)
{
    public override string EngineType => "pass-through";
}
