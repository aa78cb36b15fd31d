using Atomiton.Storage.Plugins.GoogleDrive.Api;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// File ids from files.generateIds, fetched 100 at a time: a create carries its id, so when its
/// answer is lost and the request is retried, Drive answers 409 instead of making a second file.
/// Thread-safe.
/// </summary>
internal sealed class DriveIdPool(DriveApiService service, string space) : IDisposable
{
    private const int Batch = 100;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<string> _ids = new();

    public async Task<string> NextAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_ids.Count == 0)
            {
                var generated = await new GenerateIdsRequest(service, Batch, space) { Fields = "ids" }.ExecuteAsync(cancellationToken);
                foreach (var id in generated.Ids ?? [])
                {
                    _ids.Enqueue(id);
                }
            }

            return _ids.Count > 0 ? _ids.Dequeue() : throw new StorageException(StorageErrorCode.SerializationError, "Google Drive answered files.generateIds without ids.");
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
