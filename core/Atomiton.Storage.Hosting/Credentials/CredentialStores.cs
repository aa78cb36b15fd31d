using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Credentials;

/// <summary>
/// Chooses each stage's credential store: the pipeline named by <c>"credentials"</c> in
/// <c>plugins.json</c> when there is one (built once, on first use, and checked for conditional
/// writes), else the user's encrypted credential folder. The credential pipeline's own stages use the
/// folder, since a pipeline cannot keep the tokens it needs to open itself.
/// </summary>
internal sealed class CredentialStores(StorageHost host, StorageHostOptions options) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IStorageEngine? _engine;

    public IStorageCredentialStore For(string pipeline, string stage, IReadOnlyCollection<string> building)
    {
        string? credentialPipeline = host.Configuration.CredentialPipeline;
        bool inside = credentialPipeline is not null
            && (string.Equals(pipeline, credentialPipeline, StringComparison.OrdinalIgnoreCase) || building.Contains(credentialPipeline, StringComparer.OrdinalIgnoreCase));
        return credentialPipeline is null || inside
            ? new FileCredentialStore(options.CredentialFolder, options.CredentialKeyFile, pipeline, stage)
            : new PipelineCredentialStore(EngineAsync, pipeline, stage);
    }

    private async ValueTask<IStorageEngine> EngineAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _engine) is { } built)
        {
            return built;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_engine is not null)
            {
                return _engine;
            }

            string name = host.Configuration.CredentialPipeline!;
            var engine = await host.BuildPipelineAsync(name, cancellationToken);
            var info = await engine.GetInfoAsync(cancellationToken);
            const StorageCapabilities needed = StorageCapabilities.CreateOnly | StorageCapabilities.ConditionalWrite;
            if ((info.Capabilities & needed) != needed)
            {
                await engine.DisposeAsync();
                throw new StorageException(StorageErrorCode.InvalidConfiguration,
                    $"{host.Configuration.File}: $.credentials: pipeline '{name}' cannot keep credentials: it does not offer create-only and conditional writes, without which two processes refreshing one token could lose it. Name a pipeline over a backend that offers them (filesystem, cloud), or remove \"credentials\".")
                { Operation = "credentials" };
            }

            Volatile.Write(ref _engine, engine);
            return engine;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is { } engine)
        {
            await engine.DisposeAsync();
        }

        _gate.Dispose();
    }
}
