using System.Collections.Immutable;
using Atomiton.Storage.Hosting.Catalogue;
using Atomiton.Storage.Hosting.Logging;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Resilience.Observability;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Hosting.Pipelines;

/// <summary>
/// Builds a checked pipeline bottom-up: the backend first, then each wrapper around the engine
/// beneath it. When a stage fails, the engines already built are disposed and the error names
/// the pipeline, stage, provider and where the provider came from. Each stage's engine sits inside a
/// <see cref="StageBoundaryEngine"/>, so a provider's bug surfaces as a located, non-transient
/// <see cref="StorageErrorCode.PluginFailed"/>.
/// </summary>
internal sealed class PipelineBuilder(StorageHost host, StorageHostOptions options)
{
    public async ValueTask<IStorageEngine> BuildAsync(PipelinePlan plan, ImmutableList<string> building, CancellationToken cancellationToken)
    {
        var path = building.Add(plan.Name);
        IStorageEngine? inner = null;
        try
        {
            for (int index = plan.Stages.Count - 1; index >= 0; index--)
            {
                var stage = plan.Stages[index];
                var context = Context(plan.Name, stage, inner, path, building, options.AuthorizationPrompt);
                // The boundary turns anything but a storage error thrown by the stage into a located PluginFailed.
                var created = await CreateAsync(plan, stage, context, cancellationToken);
                var engine = created is IStorageDeduplicator deduplicator
                    ? new DeduplicatingStageBoundaryEngine(created, deduplicator, stage.Provider.Name, plan.Name, stage.StageName)
                    : new StageBoundaryEngine(created, stage.Provider.Name, plan.Name, stage.StageName);
                inner = options.Telemetry is { } telemetry
                    ? telemetry.Instrument(engine, plan.Name, stage.StageName, new TelemetryOptions { Logger = context.Logger }, options.TimeProvider)
                    : engine;
            }

            return inner!;
        }
        catch
        {
            if (inner is not null)
            {
                await inner.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The context stage <paramref name="stage"/> of pipeline <paramref name="pipeline"/> is built with (also handed to sign-in providers).</summary>
    public StorageProviderContext Context(string pipeline, PlannedStage stage, IStorageEngine? inner, ImmutableList<string> path, ImmutableList<string> building, IStorageAuthorizationPrompt? prompt) => new()
    {
        PipelineName = pipeline,
        StageName = stage.StageName,
        Inner = inner,
        TimeProvider = options.TimeProvider,
        Logger = new StorageLoggerAdapter(options.LoggerFactory.CreateLogger("Atomiton.Storage." + stage.Provider.Name)),
        BaseDirectory = host.Configuration.BaseDirectory,
        ResolvePipeline = (name, token) => host.BuildPipelineAsync(name, path, token),
        Services = options.Services,
        Credentials = host.GetCredentialStore(pipeline, stage.StageName, building),
        AuthorizationPrompt = prompt,
    };

    private async ValueTask<IStorageEngine> CreateAsync(PipelinePlan plan, PlannedStage stage, StorageProviderContext context, CancellationToken cancellationToken)
    {
        string where = $"{host.Configuration.File}: {stage.JsonPath} (pipeline '{plan.Name}', stage '{stage.StageName}')";
        string source = ProviderCatalogueBuilder.Describe(host.Catalogue.Registration(stage.Provider));
        IStorageEngine? engine;
        try
        {
            engine = await stage.Provider.CreateAsync(stage.Options, context, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (StorageException e) when (e.Message.StartsWith(host.Configuration.File + ":", StringComparison.Ordinal))
        {
            throw; // a nested pipeline's error, already located
        }
        catch (StorageException e)
        {
            throw new StorageException(e.Code, $"{where}: provider '{stage.Provider.Name}' ({source}) could not build the engine: {e.Message}", e)
            { IsTransient = e.IsTransient, Provider = stage.Provider.Name, Operation = "create" };
        }
#pragma warning disable CA1031 // Any failure of third-party code becomes a located configuration error.
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"{where}: provider '{stage.Provider.Name}' ({source}) threw {e.GetType().Name} while building the engine: {e.Message}", e)
            { Provider = stage.Provider.Name, Operation = "create" };
        }

        return engine ?? throw new StorageException(StorageErrorCode.InvalidConfiguration,
            $"{where}: provider '{stage.Provider.Name}' ({source}) returned no engine. This is a bug in the provider.")
        { Provider = stage.Provider.Name, Operation = "create" };
    }
}
