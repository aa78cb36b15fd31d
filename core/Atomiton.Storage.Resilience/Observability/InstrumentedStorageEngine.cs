using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Resilience.Observability;

/// <summary>
/// A transparent stage that traces, measures and logs every call to the engine beneath it (see
/// <see cref="StorageTelemetry"/> for the names). It reports the inner engine's type, capabilities
/// and information unchanged, so inserting it around every stage changes nothing a caller sees.
/// Loads count bytes as the caller reads them (reported when the content stream is disposed).
/// </summary>
public sealed class InstrumentedStorageEngine : DelegatingStorageEngine
{
    internal InstrumentedStorageEngine(IStorageEngine inner, StorageTelemetry telemetry, string pipeline, string stage, TelemetryOptions? options, TimeProvider? timeProvider)
        : base(inner, ownsInner: true)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(stage);
        Telemetry = telemetry;
        Pipeline = pipeline;
        Stage = stage;
        Options = options ?? new TelemetryOptions();
        Time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The inner engine's type: instrumentation is invisible.</summary>
    public override string EngineType => Inner.EngineType;

    /// <summary>The inner engine's capabilities: copy and move are forwarded to it.</summary>
    public override StorageCapabilities Capabilities => Inner.Capabilities;

    /// <summary>The pipeline this stage belongs to.</summary>
    public string Pipeline { get; }

    /// <summary>The stage's name.</summary>
    public string Stage { get; }

    internal StorageTelemetry Telemetry { get; }

    internal TelemetryOptions Options { get; }

    internal TimeProvider Time { get; }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        var scope = new OperationScope(this, StorageOperation.Save, key);
        try
        {
            var item = await Inner.SaveAsync(key, content, options, cancellationToken);
            scope.Succeed(item.Size, "write");
            return item;
        }
        catch (Exception e)
        {
            scope.Fail(e);
            throw;
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var scope = new OperationScope(this, StorageOperation.Load, key);
        try
        {
            var result = await Inner.OpenReadAsync(key, options, cancellationToken);
            scope.Succeed();
            return new StorageReadResult(result.Item, new CountingReadStream(result.Content, ReportBytesRead), result.NotModified);
        }
        catch (Exception e)
        {
            scope.Fail(e);
            throw;
        }
    }

    /// <summary>
    /// A whole-object load into an array, measured as one load whose bytes are the array's length,
    /// forwarded to the inner engine's <c>LoadBytesAsync</c> so its fast path (a cache hit) is kept.
    /// </summary>
    protected override ValueTask<byte[]> LoadBytesCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var scope = new OperationScope(this, StorageOperation.Load, key);
        ValueTask<byte[]> pending;
        try
        {
            pending = Inner.LoadBytesAsync(key, options, cancellationToken);
        }
        catch (Exception e)
        {
            scope.Fail(e);
            throw;
        }

        if (!pending.IsCompletedSuccessfully)
        {
            return CompleteLoadAsync(pending, scope);
        }

        var content = pending.Result;
        scope.Succeed();
        ReportBytesRead(content.LongLength);
        return new ValueTask<byte[]>(content);
    }

    /// <inheritdoc />
    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        MeasureAsync(StorageOperation.Stat, key, ct => Inner.StatAsync(key, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken) =>
        MeasureAsync(StorageOperation.Exists, key, ct => Inner.ExistsAsync(key, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken) =>
        MeasureAsync(StorageOperation.Delete, key, ct => Inner.DeleteAsync(key, options, ct), cancellationToken);

    /// <summary>Measures a batch delete as one operation.</summary>
    protected override ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        MeasureAsync(Atomiton.Storage.StorageOperation.DeleteMany, null, ct => Inner.DeleteManyAsync(keys, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        MeasureAsync(StorageOperation.Copy, sourceKey, ct => Inner.CopyAsync(sourceKey, destinationKey, condition, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        MeasureAsync(StorageOperation.Move, sourceKey, ct => Inner.MoveAsync(sourceKey, destinationKey, condition, ct), cancellationToken);

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var scope = new OperationScope(this, StorageOperation.List, options.Prefix);
        try
        {
            await using var entries = Inner.ListAsync(options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                StorageEntry entry;
                try
                {
                    if (!await entries.MoveNextAsync())
                    {
                        break;
                    }

                    entry = entries.Current;
                }
                catch (Exception e)
                {
                    scope.Fail(e);
                    throw;
                }

                yield return entry;
            }
        }
        finally
        {
            // A listing the caller stops early also counts as a successful call.
            scope.Succeed();
        }
    }

    /// <summary>The inner engine's information, unchanged.</summary>
    protected override ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken) =>
        MeasureAsync(StorageOperation.Info, null, Inner.GetInfoAsync, cancellationToken);

    private async ValueTask<byte[]> CompleteLoadAsync(ValueTask<byte[]> pending, OperationScope scope)
    {
        byte[] content;
        try
        {
            content = await pending;
        }
        catch (Exception e)
        {
            scope.Fail(e);
            throw;
        }

        scope.Succeed();
        ReportBytesRead(content.LongLength);
        return content;
    }

    private async ValueTask<T> MeasureAsync<T>(string operation, string? key, Func<CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        var scope = new OperationScope(this, operation, key);
        try
        {
            var result = await action(cancellationToken);
            scope.Succeed();
            return result;
        }
        catch (Exception e)
        {
            scope.Fail(e);
            throw;
        }
    }

    /// <summary>Reports the bytes read from a loaded object, when its stream is disposed.</summary>
    private void ReportBytesRead(long bytes) => Telemetry.Bytes.Add(bytes, new System.Diagnostics.TagList
    {
        { "storage.pipeline", Pipeline },
        { "storage.stage", Stage },
        { "storage.engine", Inner.EngineType },
        { "storage.operation", StorageOperation.Load },
        { "direction", "read" },
    });
}
