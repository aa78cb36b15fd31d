using System.Globalization;
using System.Runtime.CompilerServices;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Audit;

/// <summary>
/// The <c>audit</c> stage: appends a hash-chained record of every operation on the engine beneath
/// it (time, pipeline, stage, operation, key, size, outcome, caller; never content or secrets) to
/// an <see cref="IAuditSink"/>. Records are written one at a time, after the operation, in order.
/// </summary>
/// <remarks>
/// A record that cannot be written does not fail the operation (which has already happened): it
/// is logged as an error, counted in <see cref="FailedRecords"/>, and the stage reports itself
/// Unhealthy. A log whose existing chain is broken is not continued (every record fails until it
/// is moved away), so evidence of tampering is never buried under new records.
/// </remarks>
public sealed class AuditEngine : DelegatingStorageEngine
{
    /// <summary>The engine and provider type name, <c>audit</c>.</summary>
    public const string TypeName = "audit";

    private readonly IAuditSink _sink;
    private readonly AuditOptions _options;
    private readonly string _pipeline;
    private readonly string _stage;
    private readonly TimeProvider _time;
    private readonly IStorageLogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AuditHead? _head;
    private long _failed;
    private string? _lastFailure;

    /// <summary>Creates the stage.</summary>
    /// <param name="inner">The engine whose operations are recorded.</param>
    /// <param name="sink">Where records go; owned by this stage.</param>
    /// <param name="pipeline">The pipeline name recorded.</param>
    /// <param name="stage">The stage name recorded.</param>
    /// <param name="options">Whether reads are recorded, the default caller.</param>
    /// <param name="timeProvider">The clock of record times; null for the system clock.</param>
    /// <param name="logger">Where failures to record are logged.</param>
    public AuditEngine(IStorageEngine inner, IAuditSink sink, string pipeline, string stage, AuditOptions? options = null, TimeProvider? timeProvider = null, IStorageLogger? logger = null)
        : base(inner, ownsInner: true)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(stage);
        _sink = sink;
        _pipeline = pipeline;
        _stage = stage;
        _options = options ?? new AuditOptions();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullStorageLogger.Instance;
    }

    /// <summary>The inner engine's capabilities: copy and move are forwarded to it.</summary>
    public override StorageCapabilities Capabilities => Inner.Capabilities;

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <summary>The last record written (null before the first); keep it apart from the log to detect truncation.</summary>
    public AuditHead? Head => Volatile.Read(ref _head);

    /// <summary>How many records could not be written.</summary>
    public long FailedRecords => Interlocked.Read(ref _failed);

    /// <summary>Verifies this stage's log against its current head.</summary>
    public async ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await AuditVerifier.VerifyAsync(_sink, _head, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) =>
        RecordAsync(StorageOperation.Save, key, null, ct => Inner.SaveAsync(key, content, options, ct), item => item.Size, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken) =>
        RecordAsync(StorageOperation.Load, key, null, ct => Inner.OpenReadAsync(key, options, ct), result => result.Item.Size, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        RecordAsync(StorageOperation.Stat, key, null, ct => Inner.StatAsync(key, ct), item => item.Size, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken) =>
        RecordAsync(StorageOperation.Exists, key, null, ct => Inner.ExistsAsync(key, ct), _ => null, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken) =>
        RecordAsync(StorageOperation.Delete, key, null, ct => Inner.DeleteAsync(key, options, ct), _ => null, cancellationToken);

    /// <summary>Deletes in the inner engine's batches and records one delete per key, with its own outcome.</summary>
    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        IReadOnlyList<StorageDeleteResult> results;
        try
        {
            results = await Inner.DeleteManyAsync(keys, cancellationToken);
        }
        catch (Exception e)
        {
            foreach (var key in keys)
            {
                await AppendAsync(StorageOperation.Delete, key, null, null, Outcome(e), CancellationToken.None);
            }

            throw;
        }

        foreach (var result in results)
        {
            await AppendAsync(StorageOperation.Delete, result.Key, null, null, result.Error is { } error ? Outcome(error) : "ok", CancellationToken.None);
        }

        return results;
    }

    /// <inheritdoc />
    protected override ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        RecordAsync(StorageOperation.Copy, sourceKey, destinationKey, ct => Inner.CopyAsync(sourceKey, destinationKey, condition, ct), item => item.Size, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        RecordAsync(StorageOperation.Move, sourceKey, destinationKey, ct => Inner.MoveAsync(sourceKey, destinationKey, condition, ct), item => item.Size, cancellationToken);

    /// <summary>Lists, recording one record when the listing ends (size: the number of entries returned).</summary>
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long count = 0;
        string outcome = "ok";
        try
        {
            await using var entries = Inner.ListAsync(options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await entries.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception e)
                {
                    outcome = Outcome(e);
                    throw;
                }

                count++;
                yield return entries.Current;
            }
        }
        finally
        {
            if (_options.IncludeReads)
            {
                await AppendAsync(StorageOperation.List, options.Prefix, null, count, outcome, CancellationToken.None);
            }
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var inner = await RecordAsync(StorageOperation.Info, null, null, Inner.GetInfoAsync, _ => null, cancellationToken);
        var details = new Dictionary<string, string>
        {
            ["records"] = (Head?.Sequence ?? 0).ToString(CultureInfo.InvariantCulture),
            ["failedRecords"] = FailedRecords.ToString(CultureInfo.InvariantCulture),
            [StorageHealthDetails.Status] = FailedRecords == 0 ? StorageHealthDetails.Healthy : StorageHealthDetails.Unhealthy,
        };
        if (_lastFailure is { } failure)
        {
            details[StorageHealthDetails.Reason] = $"{FailedRecords} audit records could not be written: {failure}";
        }

        return inner with { EngineType = EngineType, Capabilities = Capabilities, Traits = Traits, KeyRules = KeyRules, Details = details, Inner = inner };
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        await _sink.DisposeAsync();
        _gate.Dispose();
        await base.DisposeCoreAsync();
    }

    private async ValueTask<T> RecordAsync<T>(string operation, string? key, string? targetKey, Func<CancellationToken, ValueTask<T>> action, Func<T, long?> size, CancellationToken cancellationToken)
    {
        bool recorded = _options.IncludeReads || StorageOperation.IsWrite(operation);
        T result;
        try
        {
            result = await action(cancellationToken);
        }
        catch (Exception e) when (recorded)
        {
            await AppendAsync(operation, key, targetKey, null, Outcome(e), CancellationToken.None);
            throw;
        }

        if (recorded)
        {
            await AppendAsync(operation, key, targetKey, size(result), "ok", CancellationToken.None);
        }

        return result;
    }

    private async ValueTask AppendAsync(string operation, string? key, string? targetKey, long? size, string outcome, CancellationToken cancellationToken)
    {
        var record = new AuditRecord
        {
            Time = _time.GetUtcNow(),
            Pipeline = _pipeline,
            Stage = _stage,
            Operation = operation,
            Key = key,
            TargetKey = targetKey,
            Size = size,
            Outcome = outcome,
            Caller = AuditCaller.Current ?? _options.DefaultCaller,
        };
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _head ??= await AuditVerifier.ReadHeadAsync(_sink, cancellationToken);
            var (line, head) = AuditChain.Format(record, _head);
            await _sink.AppendAsync(head.Sequence, line, cancellationToken);
            Volatile.Write(ref _head, head);
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            Interlocked.Increment(ref _failed);
            _lastFailure = e.Message;
            _logger.Log(StorageLogLevel.Error, $"Audit stage '{_stage}' of pipeline '{_pipeline}' could not record the {operation}{(key is null ? "" : $" of key '{key}'")}: {e.Message}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Outcome(Exception e) => e switch
    {
        StorageException storage => storage.Code.ToString(),
        OperationCanceledException => "cancelled",
        _ => StorageErrorCode.Unknown.ToString(),
    };
}
