using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Providers;

/// <summary>The in-test <c>probe-wrapper</c> wrapper.</summary>
public sealed class ProbeWrapperProvider : StorageProvider<ProbeWrapperOptions>
{
    public const string FailureMessage = "probe-wrapper was told to fail";

    public override string Name => "probe-wrapper";

    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    public override string Description => "Wraps without changing anything.";

    protected override async ValueTask<IStorageEngine> CreateAsync(ProbeWrapperOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        if (options.Fail)
        {
            throw new InvalidOperationException(FailureMessage);
        }

        var other = options.AlsoBuild is null ? null : await context.ResolvePipeline!(options.AlsoBuild, cancellationToken);
        return new ProbeWrapperEngine(context.Inner!, other);
    }
}
