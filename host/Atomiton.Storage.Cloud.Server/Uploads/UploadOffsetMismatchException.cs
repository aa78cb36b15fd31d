namespace Atomiton.Storage.Cloud.Server.Uploads;

/// <summary>A chunk did not start at the session's current offset; the client should resume from <see cref="CurrentOffset"/>.</summary>
internal sealed class UploadOffsetMismatchException : Exception
{
    public UploadOffsetMismatchException(long currentOffset)
        : base($"The chunk does not start at the session's current offset {currentOffset}; resume from there.")
    {
        CurrentOffset = currentOffset;
    }

    public long CurrentOffset { get; }
}
