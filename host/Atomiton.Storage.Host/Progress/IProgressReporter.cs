namespace Atomiton.Storage.Host.Progress;

/// <summary>Receives progress of one long operation. Thread-safe: parallel workers report concurrently.</summary>
internal interface IProgressReporter
{
    /// <summary>Adds <paramref name="units"/> finished units (objects or bytes) to the total done.</summary>
    void Advance(long units);
}
