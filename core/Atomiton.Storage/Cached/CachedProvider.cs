using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Cached;

/// <summary>The <c>cached</c> wrapper: a coherent, bounded in-memory cache with TTL, single flight and ETag revalidation.</summary>
public sealed class CachedProvider : StorageProvider<CachedOptions>
{
    /// <inheritdoc />
    public override string Name => CachedEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    /// <inheritdoc />
    public override string Description => "In-memory LRU cache bounded by count and bytes, with TTL, ETag revalidation, single flight and hit/miss metrics.";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(CachedOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        // The host validates the DataAnnotations too; this repeats the checks for engines built in code.
        string? problem = options.CacheSize < 3 ? "'cacheSize' must be at least 3"
            : options.MaxBytes < 1 ? "'maxBytes' must be positive"
            : options.MaxItemBytes < 0 ? "'maxItemBytes' must not be negative"
            : null;
        var invalid = problem is null ? options.Validate(new ValidationContext(options, nameof(CachedOptions), null, null)).FirstOrDefault() : new ValidationResult(problem);
        if (invalid is not null)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration, $"Stage '{context.StageName}' of pipeline '{context.PipelineName}': {invalid.ErrorMessage}")
            { Provider = Name, Operation = "create" };
        }

        var meterFactory = context.Services?.GetService(typeof(IMeterFactory)) as IMeterFactory;
        var metrics = new CacheMetrics(meterFactory, context.PipelineName, context.StageName);
        return ValueTask.FromResult<IStorageEngine>(new CachedEngine(context.Inner!, options, context.TimeProvider, metrics));
    }
}
