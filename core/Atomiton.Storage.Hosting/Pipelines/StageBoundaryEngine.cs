using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Hosting.Pipelines;

/// <summary>
/// The boundary around each stage the host builds. A stage's engine may only throw
/// <see cref="StorageException"/>, <see cref="OperationCanceledException"/> and
/// <see cref="ObjectDisposedException"/> (see docs/contract.md); anything else it throws — from an
/// operation, a listing or a content stream it returned — is a bug in that provider and becomes a
/// non-transient <see cref="StorageErrorCode.PluginFailed"/> that names the provider, stage,
/// pipeline, operation, key and the exception's type, with the original as
/// <see cref="Exception.InnerException"/>. A failure of the caller's own content stream during a
/// save is the caller's, and passes through unchanged.
/// </summary>
internal class StageBoundaryEngine : DelegatingStorageEngine
{
    public StageBoundaryEngine(IStorageEngine inner, string provider, string pipeline, string stage)
        : base(inner, ownsInner: true)
    {
        Provider = provider;
        Pipeline = pipeline;
        Stage = stage;
    }

    /// <summary>The inner engine's type: the boundary is invisible.</summary>
    public override string EngineType => Inner.EngineType;

    /// <summary>The inner engine's capabilities: copy and move are forwarded to it.</summary>
    public override StorageCapabilities Capabilities => Inner.Capabilities;

    public string Provider { get; }

    public string Pipeline { get; }

    public string Stage { get; }

    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        var watched = new WatchedSourceStream(content);
        try
        {
            return await Inner.SaveAsync(key, watched, options, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e) && !ReferenceEquals(e, watched.Failure))
        {
            throw Wrap(e, StorageOperation.Save, key);
        }
    }

    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        StorageReadResult result;
        try
        {
            result = await Inner.OpenReadAsync(key, options, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.Load, key);
        }

        return result.NotModified ? result : new StorageReadResult(result.Item, new GuardedReadStream(result.Content, this, key));
    }

    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.StatAsync(key, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.Stat, key);
        }
    }

    protected override async ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.ExistsAsync(key, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.Exists, key);
        }
    }

    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.DeleteAsync(key, options, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.Delete, key);
        }
    }

    /// <summary>Forwards: the stage's own copy (native or not) is what runs.</summary>
    protected override async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.CopyAsync(sourceKey, destinationKey, condition, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.Copy, sourceKey);
        }
    }

    /// <summary>Forwards: the stage's own move (native or not) is what runs.</summary>
    protected override async ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.MoveAsync(sourceKey, destinationKey, condition, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.Move, sourceKey);
        }
    }

    protected override IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, CancellationToken cancellationToken) =>
        GuardAsync(Inner.ListAsync, options, StorageOperation.List, options.Prefix, cancellationToken);

    /// <summary>
    /// Passes an enumeration of the stage through, wrapping what the stage throws when it is asked for
    /// the enumeration or for any of its elements.
    /// </summary>
    private protected async IAsyncEnumerable<T> GuardAsync<TArgument, T>(Func<TArgument, CancellationToken, IAsyncEnumerable<T>> open, TArgument argument,
        string operation, string? key, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<T> elements;
        try
        {
            elements = open(argument, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, operation, key);
        }

        await using (elements)
        {
            while (true)
            {
                T element;
                try
                {
                    if (!await elements.MoveNextAsync())
                    {
                        yield break;
                    }

                    element = elements.Current;
                }
                catch (Exception e) when (IsPluginFailure(e))
                {
                    throw Wrap(e, operation, key);
                }

                yield return element;
            }
        }
    }

    /// <summary>
    /// Forwards to the inner engine's <c>LoadBytesAsync</c>, so its fast path (a cache hit answered without a
    /// stream) is kept through the boundary; a result ready at once is returned as is, without a state machine.
    /// </summary>
    protected override ValueTask<byte[]> LoadBytesCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        ValueTask<byte[]> pending;
        try
        {
            pending = Inner.LoadBytesAsync(key, options, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            return ValueTask.FromException<byte[]>(Wrap(e, StorageOperation.Load, key));
        }

        return pending.IsCompletedSuccessfully ? pending : AwaitLoadAsync(pending, key);
    }

    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.DeleteManyAsync(keys, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.DeleteMany, null);
        }
    }

    protected override async ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.GetChangeCursorAsync(prefix, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.ChangeCursor, prefix);
        }
    }

    protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.ReadChangesAsync(cursor, options, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.ReadChanges, null);
        }
    }

    protected override async ValueTask<bool> WaitForChangesCoreAsync(string cursor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.WaitForChangesAsync(cursor, timeout, cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.WaitForChanges, null);
        }
    }

    /// <summary>The inner engine's information, unchanged.</summary>
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.GetInfoAsync(cancellationToken);
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.Info, null);
        }
    }

    private async ValueTask<byte[]> AwaitLoadAsync(ValueTask<byte[]> pending, string key)
    {
        try
        {
            return await pending;
        }
        catch (Exception e) when (IsPluginFailure(e))
        {
            throw Wrap(e, StorageOperation.Load, key);
        }
    }

    /// <summary>Whether an exception breaks the contract: anything but a storage error, cancellation or use after disposal.</summary>
    internal static bool IsPluginFailure(Exception exception) =>
        exception is not (StorageException or OperationCanceledException or ObjectDisposedException);

    internal StorageException Wrap(Exception exception, string operation, string? key)
    {
        string what = key is null ? operation : $"{operation} of key '{key}'";
        return new StorageException(StorageErrorCode.PluginFailed,
            $"Provider '{Provider}' (stage '{Stage}' of pipeline '{Pipeline}') failed during {what} with {exception.GetType().FullName}: {exception.Message} " +
            "This is a bug in the provider, not a storage error: retrying will not help. Report it to the provider's authors with this message, or use another stage type.",
            exception)
        {
            IsTransient = false,
            Provider = Provider,
            Operation = operation,
            Key = key,
        };
    }

    /// <summary>The caller's content stream, remembering the exception it threw so that it is not blamed on the stage.</summary>
    private sealed class WatchedSourceStream(Stream source) : Stream
    {
        public Exception? Failure { get; private set; }

        public override bool CanRead => source.CanRead;

        public override bool CanSeek => source.CanSeek;

        public override bool CanWrite => false;

        public override long Length => source.Length;

        public override long Position
        {
            get => source.Position;
            set => source.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Watch(() => source.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return source.Read(buffer);
            }
            catch (Exception e)
            {
                Failure = e;
                throw;
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await source.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception e)
            {
                Failure = e;
                throw;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => Watch(() => source.Seek(offset, origin));

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private T Watch<T>(Func<T> read)
        {
            try
            {
                return read();
            }
            catch (Exception e)
            {
                Failure = e;
                throw;
            }
        }
    }

    /// <summary>A stage's content stream whose reads turn a contract-breaking exception into PluginFailed.</summary>
    private sealed class GuardedReadStream(Stream content, StageBoundaryEngine boundary, string key) : Stream
    {
        public override bool CanRead => content.CanRead;

        public override bool CanSeek => content.CanSeek;

        public override bool CanWrite => false;

        public override long Length => content.Length;

        public override long Position
        {
            get => content.Position;
            set => content.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Guard(() => content.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return content.Read(buffer);
            }
            catch (Exception e) when (IsReadFailure(e))
            {
                throw boundary.Wrap(e, StorageOperation.Load, key);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await content.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (IsReadFailure(e))
            {
                throw boundary.Wrap(e, StorageOperation.Load, key);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => content.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                content.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await content.DisposeAsync();
            await base.DisposeAsync();
        }

        // A read may also fail with IOException (the Stream contract), which is not a bug.
        private static bool IsReadFailure(Exception exception) => IsPluginFailure(exception) && exception is not IOException;

        private int Guard(Func<int> read)
        {
            try
            {
                return read();
            }
            catch (Exception e) when (IsReadFailure(e))
            {
                throw boundary.Wrap(e, StorageOperation.Load, key);
            }
        }
    }
}

/// <summary>
/// The boundary around a stage that offers <see cref="IStorageDeduplicator"/> (a <c>gdrive</c> stage):
/// offers it too, so that <c>dedupe</c> reaches the stage through its boundary and a provider's bug
/// there is reported like any other operation's.
/// </summary>
internal sealed class DeduplicatingStageBoundaryEngine(IStorageEngine inner, IStorageDeduplicator deduplicator, string provider, string pipeline, string stage)
    : StageBoundaryEngine(inner, provider, pipeline, stage), IStorageDeduplicator
{
    /// <summary>The operation's name in a wrapped failure.</summary>
    internal const string Operation = "dedupe";

    public IAsyncEnumerable<StorageDuplicateSet> DedupeAsync(string prefix = "", bool dryRun = false, CancellationToken cancellationToken = default) =>
        GuardAsync((under, token) => deduplicator.DedupeAsync(under, dryRun, token), prefix, Operation, prefix, cancellationToken);
}
