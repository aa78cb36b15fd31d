using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// Describes the <c>filesystem</c> backend to the host: objects stored as files under
/// <see cref="FileSystemOptions.BaseDir"/>, written atomically, durable on request.
/// </summary>
public sealed class FileSystemProvider : StorageProvider<FileSystemOptions>
{
    /// <inheritdoc />
    public override string Name => FileSystemEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description =>
        "Objects as files under baseDir: atomic (temp file + rename), durable on request (fsync), crash-safe, escape-proof, safe across processes.";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(FileSystemOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return ValueTask.FromResult<IStorageEngine>(new FileSystemEngine(options, context.TimeProvider, context.Logger));
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.InvalidConfiguration)
        {
            throw new StorageException(e.Code, $"{e.Message} (stage '{context.StageName}' of pipeline '{context.PipelineName}')", e.InnerException)
            { Provider = Name, Operation = "create" };
        }
    }
}
