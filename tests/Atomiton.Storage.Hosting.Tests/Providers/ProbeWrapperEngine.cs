namespace Atomiton.Storage.Hosting.Tests.Providers;

public sealed class ProbeWrapperEngine(IStorageEngine inner, IStorageEngine? other) : DelegatingStorageEngine(inner)
{
    public IStorageEngine? Other { get; } = other;

    public bool Disposed => IsDisposed;

    public override string EngineType => "probe-wrapper";

    protected override async ValueTask DisposeCoreAsync()
    {
        if (Other is not null)
        {
            await Other.DisposeAsync();
        }

        await base.DisposeCoreAsync();
    }
}
