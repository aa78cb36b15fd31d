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
        cancellationToken.ThrowIfCancellationRequested(); // as a provider that connects somewhere would
        if (options.Fail)
        {
            throw new InvalidOperationException(FailureMessage);
        }

        if (options.FailWith is { } code)
        {
            throw new StorageException(code, "the service behind probe-wrapper refused the connection.") { IsTransient = true, RetryAfter = TimeSpan.FromSeconds(3) };
        }

        var other = options.AlsoBuild is null ? null : await context.ResolvePipeline!(options.AlsoBuild, cancellationToken);
        return new ProbeWrapperEngine(context.Inner!, other);
    }
}
