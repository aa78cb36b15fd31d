namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Served by the test server in front of its memory engine: operations on the key
/// <see cref="FailingKey"/> fail with <see cref="Error"/>, and loads of <see cref="BrokenKey"/>
/// return a body that fails after a few bytes, as an encrypted stage finding tampered data would.
/// </summary>
public sealed class FailingEngine(IStorageEngine inner) : DelegatingStorageEngine(inner, ownsInner: false)
{
    public const string FailingKey = "t/failing";

    public const string BrokenKey = "t/broken";

    public override string EngineType => "failing";

    /// <summary>What operations on <see cref="FailingKey"/> throw.</summary>
    public StorageException? Error { get; set; }

    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        key == FailingKey && Error is { } error ? throw error : base.StatCoreAsync(key, cancellationToken);

    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        if (key == FailingKey && Error is { } error)
        {
            throw error;
        }

        var result = await base.OpenReadCoreAsync(key, options, cancellationToken);
        if (key != BrokenKey)
        {
            return result;
        }

        await result.DisposeAsync();
        return new StorageReadResult(result.Item, new BrokenStream("0123"u8.ToArray(),
            () => new StorageException(StorageErrorCode.Integrity, $"The content of '{key}' was tampered with.") { Key = key }));
    }
}
