using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Mirror;

/// <summary>
/// The <c>mirror</c> wrapper: the stage beneath is the first member, <see cref="MirrorOptions.Members"/>
/// names the others, resolved through <see cref="StorageProviderContext.ResolvePipeline"/>.
/// See <see cref="MirrorEngine"/>.
/// </summary>
public sealed class MirrorProvider : StorageProvider<MirrorOptions>
{
    /// <inheritdoc />
    public override string Name => MirrorEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    /// <inheritdoc />
    public override string Description => "Writes to every member and succeeds at a quorum; reads from the first member that missed no write; reports lagging members.";

    /// <inheritdoc />
    protected override async ValueTask<IStorageEngine> CreateAsync(MirrorOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        var members = await MemberPipelines.ResolveAsync(Name, options.Members, context, cancellationToken);
        try
        {
            return new MirrorEngine(context.Inner!, members, options, context.Logger, context.StageName + ":primary");
        }
        catch (StorageException)
        {
            foreach (var member in members)
            {
                await member.Value.DisposeAsync();
            }

            throw;
        }
    }
}
