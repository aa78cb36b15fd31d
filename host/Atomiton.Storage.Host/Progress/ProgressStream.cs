using Atomiton.Storage.IO;

namespace Atomiton.Storage.Host.Progress;

/// <summary>A read-only pass-through stream that reports every byte read; the inner stream is left open.</summary>
internal sealed class ProgressStream(Stream inner, IProgressReporter reporter) : ObservedReadStream(inner, leaveOpen: true)
{
    /// <summary>The inner stream's length, so a save can still see the content's size.</summary>
    public override long Length => Inner.Length;

    /// <summary>The inner stream's position; setting it is not supported.</summary>
    public override long Position
    {
        get => Inner.Position;
        set => throw new NotSupportedException("This stream is read forward only; it cannot seek.");
    }

    protected override void OnRead(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length > 0)
        {
            reporter.Advance(chunk.Length);
        }
    }
}
