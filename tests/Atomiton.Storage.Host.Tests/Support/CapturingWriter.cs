using System.Text;

namespace Atomiton.Storage.Host.Tests.Support;

/// <summary>
/// A thread-safe text writer that keeps everything written and lets a test await a line (the
/// banner of <c>serve</c>, say) instead of sleeping until it is probably there.
/// </summary>
internal sealed class CapturingWriter : TextWriter
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            _text.Append(value);
            if (value == '\n')
            {
                Signal();
            }
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            _text.Append(value);
            if (value?.Contains('\n', StringComparison.Ordinal) == true)
            {
                Signal();
            }
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <summary>Completes with the first line (written before or after this call) that <paramref name="match"/> accepts.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        lock (_lock)
        {
            if (CompleteLines().FirstOrDefault(match) is { } line)
            {
                return Task.FromResult(line);
            }

            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task;
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return _text.ToString();
        }
    }

    private List<string> CompleteLines()
    {
        string text = _text.ToString();
        int end = text.LastIndexOf('\n');
        return end < 0 ? [] : [.. text[..end].Split('\n').Select(line => line.TrimEnd('\r'))];
    }

    private void Signal()
    {
        if (_waiters.Count == 0)
        {
            return;
        }

        var lines = CompleteLines();
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            if (lines.FirstOrDefault(_waiters[i].Match) is { } line)
            {
                _waiters[i].Found.TrySetResult(line);
                _waiters.RemoveAt(i);
            }
        }
    }
}
