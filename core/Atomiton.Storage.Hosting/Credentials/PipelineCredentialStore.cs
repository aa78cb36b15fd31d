using System.Text;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Credentials;

/// <summary>
/// One stage's credentials kept in another pipeline (<c>"credentials": "&lt;pipeline&gt;"</c> in
/// <c>plugins.json</c>), one object per name under <c>atomiton-credentials/&lt;pipeline&gt;/&lt;stage&gt;/</c>.
/// The object's ETag is the version, and writes are conditional (create-only or if-match), so
/// compare-and-swap holds wherever that pipeline's engine holds it. Encryption at rest is that
/// pipeline's job: give it an <c>encrypted</c> stage.
/// </summary>
internal sealed class PipelineCredentialStore(Func<CancellationToken, ValueTask<IStorageEngine>> engine, string pipeline, string stage) : IStorageCredentialStore
{
    private const string Root = "atomiton-credentials";

    public async ValueTask<StorageCredential?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var store = await engine(cancellationToken);
        try
        {
            await using var read = await store.OpenReadAsync(Key(name), cancellationToken: cancellationToken);
            byte[] bytes = await read.ReadAllAsync(cancellationToken);
            return new StorageCredential(Encoding.UTF8.GetString(bytes), read.Item.ETag);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            return null;
        }
    }

    public async ValueTask<StorageCredential> WriteAsync(string name, string value, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var store = await engine(cancellationToken);
        var condition = expectedVersion switch
        {
            null => WriteCondition.IfNotExists,
            IStorageCredentialStore.AnyVersion => WriteCondition.None,
            _ => WriteCondition.IfMatch(expectedVersion),
        };
        try
        {
            var item = await store.SaveAsync(Key(name), Encoding.UTF8.GetBytes(value), new SaveOptions { Condition = condition }, cancellationToken);
            return new StorageCredential(value, item.ETag);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
        {
            throw Conflict(name, e);
        }
    }

    public async ValueTask<bool> DeleteAsync(string name, string expectedVersion = IStorageCredentialStore.AnyVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expectedVersion);
        var store = await engine(cancellationToken);
        try
        {
            return await store.DeleteAsync(Key(name), expectedVersion == IStorageCredentialStore.AnyVersion ? null : new DeleteOptions { IfMatch = expectedVersion }, cancellationToken);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
        {
            throw Conflict(name, e);
        }
    }

    private string Key(string name)
    {
        CredentialNames.Check(name);
        return $"{Root}/{CredentialNames.Segment(pipeline)}/{CredentialNames.Segment(stage)}/{name}";
    }

    private StorageException Conflict(string name, StorageException cause) =>
        new(StorageErrorCode.Conflict, $"Credential '{name}' of stage '{stage}' (pipeline '{pipeline}') was changed or removed by another writer; nothing was written. Read it again and use what the other writer stored.", cause)
        { Operation = "credentials" };

    public override string ToString() => $"PipelineCredentialStore({pipeline}/{stage})";
}
