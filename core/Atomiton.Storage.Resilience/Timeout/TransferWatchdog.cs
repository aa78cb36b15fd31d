namespace Atomiton.Storage.Resilience.Timeout;

/// <summary>
/// Cancels a save that stops making progress: the call budget until its content is first read,
/// the step budget after each read that returned bytes, the call budget again after the content ended.
/// </summary>
internal sealed class TransferWatchdog : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly ITimer _timer;
    private readonly TimeSpan _call;
    private readonly TimeSpan _step;
    private volatile bool _transferring;
    private volatile bool _ended;
    private volatile bool _firedBetweenReads;
    private volatile bool _fired;

    public TransferWatchdog(TimeProvider time, TimeSpan call, TimeSpan step, CancellationToken cancellationToken)
    {
        _call = call;
        _step = step;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _timer = time.CreateTimer(static state => ((TransferWatchdog)state!).Fire(), this, call, System.Threading.Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cancelled when a budget runs out (or the caller cancels).</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Whether a budget ran out.</summary>
    public bool Fired => _fired;

    /// <summary>Whether the budget that ran out was the step budget (the transfer stalled), not the call budget.</summary>
    public bool FiredBetweenReads => _firedBetweenReads;

    /// <summary>A read of the content returned bytes: the next one is due within the step budget.</summary>
    public void Progressed()
    {
        if (!_ended)
        {
            _transferring = true;
            _timer.Change(_step, System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The content ended: the engine has the call budget to store it.</summary>
    public void Ended()
    {
        if (!_ended)
        {
            _ended = true;
            _transferring = false;
            _timer.Change(_call, System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _cancel.Dispose();
    }

    private void Fire()
    {
        _firedBetweenReads = _transferring;
        _fired = true;
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The save finished as the budget ran out; nothing is left to cancel.
        }
    }
}
