using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting;

/// <summary>
/// One stage of a declared pipeline, reached without building the pipeline: its provider, its bound
/// and validated options (secret references resolved), and the <see cref="StorageProviderContext"/> the
/// host would build it with (the stage's credential store; the sign-in prompt when one was given).
/// What <c>atomiton-storage auth login|status|logout</c> hands to an <see cref="IStorageSignInProvider"/>.
/// Holds no engine: nothing to dispose.
/// </summary>
public sealed class StorageStage
{
    internal StorageStage(string pipelineName, string stageName, string providerName, IStorageProvider provider, object options, StorageProviderContext context)
    {
        PipelineName = pipelineName;
        StageName = stageName;
        ProviderName = providerName;
        Provider = provider;
        Options = options;
        Context = context;
    }

    /// <summary>The pipeline, as declared.</summary>
    public string PipelineName { get; }

    /// <summary>The stage's name in the chain (a declared stage, or a provider type named directly).</summary>
    public string StageName { get; }

    /// <summary>The provider's type name, such as <c>filesystem</c>.</summary>
    public string ProviderName { get; }

    /// <summary>The provider descriptor; test for <see cref="IStorageSignInProvider"/> to sign in.</summary>
    public IStorageProvider Provider { get; }

    /// <summary>An instance of the provider's options type, bound and validated.</summary>
    public object Options { get; }

    /// <summary>The context for this stage: its credential store, clock, logger and (when given) the prompt. <see cref="StorageProviderContext.Inner"/> is null.</summary>
    public StorageProviderContext Context { get; }

    /// <summary>The provider as a sign-in provider, or null when its service does not sign users in.</summary>
    public IStorageSignInProvider? SignIn => Provider as IStorageSignInProvider;

    /// <summary>Names the stage, pipeline and provider; never options (they may hold secrets).</summary>
    public override string ToString() => $"stage '{StageName}' ({ProviderName}) of pipeline '{PipelineName}'";
}
