namespace Atomiton.Storage.Host.Progress;

/// <summary>
/// Passed as <see cref="SaveOptions.Progress"/> or <see cref="ReadOptions.Progress"/>: turns the
/// engine's running byte counts into <see cref="IProgressReporter.Advance"/> steps. A reporter may be
/// attached after the call started (a load's size is known only once it is open); bytes reported
/// before that are advanced at the next report, so none are lost. Thread-safe.
/// </summary>
internal sealed class TransferProgress : IProgress<StorageProgress>
{
    private IProgressReporter? _reporter;
    private long _advanced;

    /// <summary>Sends further reports to <paramref name="reporter"/>.</summary>
    public void Attach(IProgressReporter reporter) => Volatile.Write(ref _reporter, reporter);

    /// <inheritdoc />
    public void Report(StorageProgress value)
    {
        var reporter = Volatile.Read(ref _reporter);
        if (reporter is null)
        {
            return;
        }

        long previous = Interlocked.Exchange(ref _advanced, value.BytesTransferred);
        if (value.BytesTransferred > previous)
        {
            reporter.Advance(value.BytesTransferred - previous);
        }
    }
}
