using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Failover;

/// <summary>
/// The <c>failover</c> wrapper: the stage beneath is the primary, <see cref="FailoverOptions.Members"/>
/// names the secondary pipelines, resolved through <see cref="StorageProviderContext.ResolvePipeline"/>.
/// See <see cref="FailoverEngine"/>.
/// </summary>
public sealed class FailoverProvider : StorageProvider<FailoverOptions>
{
    /// <inheritdoc />
    public override string Name => FailoverEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    /// <inheritdoc />
    public override string Description => "Serves every call from the first healthy member: the stage beneath, then the named secondary pipelines; probes failed members back.";

    /// <inheritdoc />
    protected override async ValueTask<IStorageEngine> CreateAsync(FailoverOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        var members = await MemberPipelines.ResolveAsync(Name, options.Members, context, cancellationToken);
        return new FailoverEngine(context.Inner!, members, options, context.TimeProvider, context.Logger, context.StageName + ":primary");
    }
}
