namespace Atomiton.Storage.Testing.ModelCheck;

/// <summary>
/// Runs one operation sequence against an engine and against a plain dictionary model side by side,
/// and throws <see cref="ModelMismatchException"/> at the first step where they disagree: a
/// different result, a different error code, or an error on one side only. ETags are opaque: the
/// model records the one the engine reports for each write, and checks that stat and listing report
/// it, and that every write gives a new one.
/// </summary>
internal sealed class ModelRunner(IStorageEngine engine)
{
    private const string MadeUpETag = "\"model-check-made-up\"";

    private readonly SortedDictionary<string, ModelObject> _model = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _staleETags = new(StringComparer.Ordinal);

    public async Task RunAsync(IReadOnlyList<ModelOperation> operations)
    {
        for (int step = 0; step < operations.Count; step++)
        {
            var operation = operations[step];
            try
            {
                await RunAsync(operation);
            }
            catch (ModelMismatchException e)
            {
                throw new ModelMismatchException($"Step {step + 1} of {operations.Count}, {operation}: {e.Message}");
            }
        }

        var listed = new List<string>();
        await ListEverythingAsync(string.Empty, listed);
        Expect(string.Join(", ", _model.Keys), string.Join(", ", InOrder(listed)), "the final recursive listing");
    }

    private async Task RunAsync(ModelOperation operation)
    {
        switch (operation.Kind)
        {
            case ModelOperationKind.Save:
                await SaveAsync(operation);
                break;
            case ModelOperationKind.Delete:
                await DeleteAsync(operation);
                break;
            case ModelOperationKind.Load:
                await LoadAsync(operation.KeyName, null, range => range);
                break;
            case ModelOperationKind.LoadRange:
                var byteRange = ByteRange.From(operation.Other, operation.Length);
                await LoadAsync(operation.KeyName, new ReadOptions { Range = byteRange }, content =>
                {
                    var (start, length) = byteRange.Resolve(content.Length);
                    return content.AsSpan((int)start, (int)length).ToArray();
                });
                break;
            case ModelOperationKind.Stat:
                await StatAsync(operation.KeyName);
                break;
            case ModelOperationKind.Exists:
                Expect(_model.ContainsKey(operation.KeyName), await engine.ExistsAsync(operation.KeyName), "exists");
                break;
            case ModelOperationKind.List:
                await ListAsync(operation.PrefixName, operation.Recursive);
                break;
            case ModelOperationKind.Copy:
            case ModelOperationKind.Move:
                await TransferAsync(operation);
                break;
            default:
                throw new InvalidOperationException($"Unknown operation {operation.Kind}.");
        }
    }

    private async Task SaveAsync(ModelOperation operation)
    {
        string key = operation.KeyName;
        var content = new byte[operation.Length];
        new Random(operation.Other).NextBytes(content);
        var condition = Resolve(operation.Condition, key);
        _model.TryGetValue(key, out var current);

        var expectedError = condition.IsSatisfiedBy(current?.ETag) ? (StorageErrorCode?)null : StorageErrorCode.Conflict;
        var item = await Attempt(async () => await engine.SaveAsync(key, new ReadOnlyMemory<byte>(content), new SaveOptions { Condition = condition }), expectedError);
        if (item is null)
        {
            return;
        }

        Expect(key, item.Key, "the saved item's key");
        Expect(operation.Length, item.Size, "the saved item's size");
        Written(key, content, item, current);
    }

    private async Task DeleteAsync(ModelOperation operation)
    {
        string key = operation.KeyName;
        _model.TryGetValue(key, out var current);
        var options = operation.Condition == ModelCondition.None ? null : new DeleteOptions { IfMatch = Resolve(operation.Condition, key).ETag };
        bool conflict = options is not null && current?.ETag != options.IfMatch;

        var deleted = await Attempt(async () => (bool?)await engine.DeleteAsync(key, options), conflict ? StorageErrorCode.Conflict : null);
        if (deleted is null)
        {
            return;
        }

        Expect(current is not null, deleted.Value, "whether delete found the key");
        Removed(key);
    }

    private async Task LoadAsync(string key, ReadOptions? options, Func<byte[], byte[]> expected)
    {
        _model.TryGetValue(key, out var current);
        var content = await Attempt(async () => await engine.LoadBytesAsync(key, options), current is null ? StorageErrorCode.NotFound : null);
        if (content is not null)
        {
            Expect(Convert.ToHexString(expected(current!.Content)), Convert.ToHexString(content), "the loaded content");
        }
    }

    private async Task StatAsync(string key)
    {
        _model.TryGetValue(key, out var current);
        var item = await Attempt(async () => await engine.StatAsync(key), current is null ? StorageErrorCode.NotFound : null);
        if (item is not null)
        {
            Expect(current!.Content.Length, item.Size, "the size");
            Expect(current.ETag, item.ETag, "the ETag (stat must report the ETag the last write returned)");
        }
    }

    private async Task ListAsync(string prefix, bool recursive)
    {
        var expected = new List<string>();
        foreach (var key in _model.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            int slash = recursive ? -1 : key.IndexOf('/', prefix.Length);
            string entry = slash < 0 ? key : key[..(slash + 1)];
            if (expected.Count == 0 || expected[^1] != entry)
            {
                expected.Add(entry);
            }
        }

        var actual = new List<string>();
        await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = prefix, Recursive = recursive, PageSize = 2 }))
        {
            actual.Add(entry.Key);
            if (entry.Item is { } item)
            {
                Expect(_model.TryGetValue(entry.Key, out var current) ? current.ETag : "(absent)", item.ETag, $"the listed ETag of '{entry.Key}'");
            }
        }

        Expect(string.Join(", ", expected), string.Join(", ", InOrder(actual)), "the listing");
    }

    /// <summary>The listed keys as the model orders them: as listed on ordered engines, sorted on unordered ones (a key listed twice still shows).</summary>
    private List<string> InOrder(List<string> listed) =>
        engine.Capabilities.HasFlag(StorageCapabilities.OrderedList) ? listed : [.. listed.Order(StringComparer.Ordinal)];

    /// <summary>Every key under <paramref name="prefix"/>: one recursive listing, or a walk of shallow ones on engines that list a "folder" at a time.</summary>
    private async Task ListEverythingAsync(string prefix, List<string> listed)
    {
        bool recursive = engine.Capabilities.HasFlag(StorageCapabilities.RecursiveList);
        await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = prefix, Recursive = recursive }))
        {
            if (entry.IsPrefix)
            {
                await ListEverythingAsync(entry.Key, listed);
            }
            else
            {
                listed.Add(entry.Key);
            }
        }
    }

    private async Task TransferAsync(ModelOperation operation)
    {
        string source = operation.KeyName;
        string destination = operation.OtherName;
        bool move = operation.Kind == ModelOperationKind.Move;
        var condition = Resolve(operation.Condition, destination);
        _model.TryGetValue(source, out var sourceObject);
        _model.TryGetValue(destination, out var destinationObject);
        StorageErrorCode? expectedError =
            source == destination ? StorageErrorCode.InvalidArgument
            : sourceObject is null ? StorageErrorCode.NotFound
            : !condition.IsSatisfiedBy(destinationObject?.ETag) ? StorageErrorCode.Conflict
            : null;

        var item = await Attempt(async () => move ? await engine.MoveAsync(source, destination, condition) : await engine.CopyAsync(source, destination, condition), expectedError);
        if (item is null)
        {
            return;
        }

        Expect(destination, item.Key, "the destination item's key");
        Expect(sourceObject!.Content.Length, item.Size, "the destination's size");
        Written(destination, sourceObject.Content, item, destinationObject);
        if (move)
        {
            Removed(source);
        }
    }

    private WriteCondition Resolve(ModelCondition condition, string key) => condition switch
    {
        ModelCondition.IfNotExists => WriteCondition.IfNotExists,
        ModelCondition.IfMatchCurrent => WriteCondition.IfMatch(_model.TryGetValue(key, out var current) ? current.ETag : MadeUpETag),
        ModelCondition.IfMatchStale => WriteCondition.IfMatch(_staleETags.GetValueOrDefault(key, MadeUpETag)),
        _ => WriteCondition.None,
    };

    private void Written(string key, byte[] content, StorageItem item, ModelObject? previous)
    {
        if (previous is not null)
        {
            if (item.ETag == previous.ETag)
            {
                throw new ModelMismatchException($"the write kept the previous ETag {item.ETag}; every write must change it.");
            }

            _staleETags[key] = previous.ETag;
        }

        _model[key] = new ModelObject(content, item.ETag);
    }

    private void Removed(string key)
    {
        if (_model.Remove(key, out var removed))
        {
            _staleETags[key] = removed.ETag;
        }
    }

    /// <summary>Runs an engine call that the model expects to fail with <paramref name="expectedError"/> (or to succeed when null).</summary>
    private static async Task<T?> Attempt<T>(Func<Task<T>> call, StorageErrorCode? expectedError)
        where T : class?
    {
        T result;
        try
        {
            result = await call();
        }
        catch (StorageException e)
        {
            if (e.Code != expectedError)
            {
                throw new ModelMismatchException($"the engine threw {e.Code} ({e.Message}) but the model expected {(expectedError is null ? "success" : expectedError.ToString())}.");
            }

            return null;
        }

        if (expectedError is not null)
        {
            throw new ModelMismatchException($"the engine succeeded but the model expected {expectedError}.");
        }

        return result;
    }

    private static async Task<bool?> Attempt(Func<Task<bool?>> call, StorageErrorCode? expectedError)
    {
        try
        {
            var result = await call();
            if (expectedError is not null)
            {
                throw new ModelMismatchException($"the engine succeeded but the model expected {expectedError}.");
            }

            return result;
        }
        catch (StorageException e) when (e.Code == expectedError)
        {
            return null;
        }
        catch (StorageException e)
        {
            throw new ModelMismatchException($"the engine threw {e.Code} ({e.Message}) but the model expected {(expectedError is null ? "success" : expectedError.ToString())}.");
        }
    }

    private static void Expect<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new ModelMismatchException($"{what} differs: the model says {expected}, the engine says {actual}.");
        }
    }
}
