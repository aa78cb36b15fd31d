using System.Diagnostics;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Observability;

/// <summary>One traced and measured call: started by <see cref="InstrumentedStorageEngine"/>, ended once.</summary>
internal sealed class OperationScope
{
    private readonly InstrumentedStorageEngine _engine;
    private readonly string _operation;
    private readonly string? _key;
    private readonly long _started;
    private readonly Activity? _activity;
    private int _ended;

    public OperationScope(InstrumentedStorageEngine engine, string operation, string? key)
    {
        _engine = engine;
        _operation = operation;
        _key = key;
        _started = engine.Time.GetTimestamp();
        _activity = engine.Telemetry.ActivitySource.StartActivity("storage." + operation, ActivityKind.Internal);
        if (_activity is not null)
        {
            _activity.SetTag("storage.pipeline", engine.Pipeline);
            _activity.SetTag("storage.stage", engine.Stage);
            _activity.SetTag("storage.engine", engine.Inner.EngineType);
            _activity.SetTag("storage.operation", operation);
            if (key is not null && engine.Options.IncludeKeys)
            {
                _activity.SetTag("storage.key", key);
            }
        }
    }

    public void Succeed(long? bytes = null, string direction = "write")
    {
        if (bytes is { } count)
        {
            var tags = Tags();
            tags.Add("direction", direction);
            _engine.Telemetry.Bytes.Add(count, tags);
        }

        End("ok", null);
    }

    public void Fail(Exception exception)
    {
        if (exception is OperationCanceledException)
        {
            End("cancelled", null);
            return;
        }

        var code = exception is StorageException storage ? storage.Code : StorageErrorCode.Unknown;
        _activity?.SetStatus(ActivityStatusCode.Error, code.ToString());
        _activity?.SetTag("error.code", code.ToString());
        var tags = Tags();
        tags.Add("error.code", code.ToString());
        _engine.Telemetry.Errors.Add(1, tags);
        var logger = _engine.Options.Logger;
        if (logger is not null && logger.IsEnabled(StorageLogLevel.Debug))
        {
            var target = _key is null || !_engine.Options.IncludeKeys ? "" : $" of key '{_key}'";
            logger.Log(StorageLogLevel.Debug, $"Pipeline '{_engine.Pipeline}', stage '{_engine.Stage}': {_operation}{target} failed with {code} after {_engine.Time.GetElapsedTime(_started).TotalMilliseconds:0.###} ms.");
        }

        End("error", code);
    }

    private void End(string outcome, StorageErrorCode? code)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        var tags = Tags();
        tags.Add("outcome", outcome);
        _engine.Telemetry.Operations.Add(1, tags);
        _engine.Telemetry.Duration.Record(_engine.Time.GetElapsedTime(_started).TotalSeconds, tags);
        _activity?.SetTag("storage.outcome", outcome);
        _activity?.Dispose();
    }

    private TagList Tags() => new()
    {
        { "storage.pipeline", _engine.Pipeline },
        { "storage.stage", _engine.Stage },
        { "storage.engine", _engine.Inner.EngineType },
        { "storage.operation", _operation },
    };
}
