using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Audit;

/// <summary>
/// The <c>audit</c> wrapper: records every operation to a JSON-lines file (<see cref="AuditOptions.Path"/>)
/// or another pipeline (<see cref="AuditOptions.SinkPipeline"/>). See <see cref="AuditEngine"/>.
/// </summary>
public sealed class AuditProvider : StorageProvider<AuditOptions>
{
    /// <inheritdoc />
    public override string Name => AuditEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    /// <inheritdoc />
    public override string Description => "Appends a hash-chained record of every operation (never content) to a JSON-lines file or another pipeline; verifiable.";

    /// <inheritdoc />
    protected override async ValueTask<IStorageEngine> CreateAsync(AuditOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        string where = $"stage '{context.StageName}' of pipeline '{context.PipelineName}'";
        if (string.IsNullOrWhiteSpace(options.Path) == string.IsNullOrWhiteSpace(options.SinkPipeline))
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration, $"The audit {where} needs exactly one of the options Path (a JSON-lines file) and SinkPipeline (another pipeline).")
            { Provider = Name, Operation = "create" };
        }

        IAuditSink sink;
        if (!string.IsNullOrWhiteSpace(options.Path))
        {
            sink = new JsonLinesAuditSink(Path.Combine(context.BaseDirectory, options.Path), options.Durable);
        }
        else
        {
            var pipelines = await MemberPipelines.ResolveAsync(Name, [options.SinkPipeline!], context, cancellationToken);
            sink = new PipelineAuditSink(pipelines[0].Value, options.SinkPrefix);
        }

        return new AuditEngine(context.Inner!, sink, context.PipelineName, context.StageName, options, context.TimeProvider, context.Logger);
    }
}
