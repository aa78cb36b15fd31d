namespace Atomiton.Storage.Cloud.Server.Uploads;

/// <summary>A chunk did not start at the session's current offset; the client should resume from <see cref="CurrentOffset"/>.</summary>
internal sealed class UploadOffsetMismatchException : Exception
{
    public UploadOffsetMismatchException(long currentOffset)
        : base($"The chunk does not start at the session's current offset {currentOffset}; resume from there.")
    {
        CurrentOffset = currentOffset;
    }

    public UploadOffsetMismatchException()
    {
    }

    public UploadOffsetMismatchException(string message) : base(message)
    {
    }

    public UploadOffsetMismatchException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public long CurrentOffset { get; }
}
