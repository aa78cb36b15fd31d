using System.Globalization;

namespace Atomiton.Storage.Host.Progress;

/// <summary>
/// Progress for logs and pipes: one line at most every <c>interval</c>, with count, percentage,
/// rate and ETA, and a final line when the work ends.
/// </summary>
internal sealed class PlainProgressDisplay : ProgressDisplay
{
    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;

    public PlainProgressDisplay(TextWriter writer, TimeProvider time, TimeSpan interval)
    {
        _writer = writer;
        _time = time;
        _interval = interval;
    }

    public override async Task<T> RunAsync<T>(string description, long total, ProgressUnit unit, Func<IProgressReporter, Task<T>> work)
    {
        var reporter = new Reporter(this, description, total, unit);
        var result = await work(reporter);
        reporter.Finish();
        return result;
    }

    private sealed class Reporter : IProgressReporter
    {
        private readonly PlainProgressDisplay _display;
        private readonly string _description;
        private readonly long _total;
        private readonly ProgressUnit _unit;
        private readonly long _started;
        private readonly Lock _lock = new();
        private long _done;
        private long _lastPrinted;
        private long _printedDone = -1;

        public Reporter(PlainProgressDisplay display, string description, long total, ProgressUnit unit)
        {
            _display = display;
            _description = description;
            _total = total;
            _unit = unit;
            _started = display._time.GetTimestamp();
            _lastPrinted = _started;
        }

        public void Advance(long units)
        {
            lock (_lock)
            {
                _done += units;
                long now = _display._time.GetTimestamp();
                if (_display._time.GetElapsedTime(_lastPrinted, now) >= _display._interval)
                {
                    _lastPrinted = now;
                    Print(now);
                }
            }
        }

        public void Finish()
        {
            lock (_lock)
            {
                // Quick work prints nothing; otherwise the final state, unless the last line already showed it.
                if (_display._time.GetElapsedTime(_started) >= _display._interval && _done != _printedDone)
                {
                    Print(_display._time.GetTimestamp());
                }
            }
        }

        private void Print(long now)
        {
            _printedDone = _done;
            double seconds = Math.Max(_display._time.GetElapsedTime(_started, now).TotalSeconds, 0.001);
            double rate = _done / seconds;
            string percent = _total > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({100.0 * _done / _total:0}%)") : "";
            string eta = rate > 0 && _total > _done ? $", ETA {TimeSpan.FromSeconds(Math.Ceiling((_total - _done) / rate)):c}" : "";
            _display._writer.WriteLine($"{_description}: {_unit.Format(_done)} of {_unit.Format(_total)}{percent}, {_unit.Format(rate)}/s{eta}");
        }
    }
}
