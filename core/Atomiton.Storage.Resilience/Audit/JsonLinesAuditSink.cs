using System.Runtime.CompilerServices;
using System.Text;

namespace Atomiton.Storage.Resilience.Audit;

/// <summary>A JSON-lines file: one record per line, appended; optionally flushed to disk (fsync) per record.</summary>
public sealed class JsonLinesAuditSink : IAuditSink
{
    private readonly string _path;
    private readonly bool _durable;
    private FileStream? _stream;

    /// <summary>Appends to <paramref name="path"/> (created with its folder when missing).</summary>
    /// <param name="path">The file.</param>
    /// <param name="durable">Flush to stable storage after every record.</param>
    public JsonLinesAuditSink(string path, bool durable = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = System.IO.Path.GetFullPath(path);
        _durable = durable;
    }

    /// <summary>The file's full path.</summary>
    public string Path => _path;

    /// <inheritdoc />
    public async ValueTask AppendAsync(long sequence, string line, CancellationToken cancellationToken = default)
    {
        if (_stream is null)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
            _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
        }

        await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        if (_durable)
        {
            _stream.Flush(flushToDisk: true);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!File.Exists(_path))
        {
            yield break;
        }

        using var reader = new StreamReader(new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous | FileOptions.SequentialScan), Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            yield return line;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
            _stream = null;
        }
    }
}
