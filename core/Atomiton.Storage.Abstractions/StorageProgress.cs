namespace Atomiton.Storage;

/// <summary>Bytes moved so far by a save, load, copy or move, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="BytesTransferred">Bytes moved so far.</param>
/// <param name="TotalBytes">The total when known (the object's size, or <see cref="SaveOptions.ExpectedLength"/>), else null.</param>
public readonly record struct StorageProgress(long BytesTransferred, long? TotalBytes);
