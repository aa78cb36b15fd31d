using System.Buffers;
using System.Net;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>
/// Reads upload-session fragments without a thread-pool hop per block. The SDK's upload task hands each
/// fragment to <see cref="HttpClient"/> as a <see cref="StreamContent"/> over its own sub-stream, which
/// implements only the synchronous <c>Read</c>: the copy then runs through <see cref="Stream"/>'s
/// asynchronous-over-synchronous default, one thread-pool work item per 80 KiB read, about 3,300 for a
/// 256 MiB object, each waiting for a core on a loaded machine (docs/benchmarks.md, OneDrive). This
/// handler sends the same bytes with the same headers, reading each block synchronously on the sending
/// flow (as the SDK's stream would on a pool thread) and writing it asynchronously, with
/// one pooled buffer of the size <see cref="Stream.CopyToAsync(Stream)"/> uses, so memory stays as it was.
/// Sits between the retry handler and the transport of the content client.
/// </summary>
internal sealed class FragmentBodyHandler : DelegatingHandler
{
    private const int BlockSize = 81920;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Put && request.Content is StreamContent content && content.Headers.ContentLength is > 0)
        {
            request.Content = new FragmentContent(content, await content.ReadAsStreamAsync(cancellationToken));
        }

        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>The fragment's bytes from the original content's stream, with its headers; sent again from the same start when a retry resends it.</summary>
    private sealed class FragmentContent : HttpContent
    {
        private readonly HttpContent _original;
        private readonly Stream _source;
        private readonly long _start;
        private readonly long _length;

        public FragmentContent(HttpContent original, Stream source)
        {
            _original = original;
            _source = source;
            _start = source.CanSeek ? source.Position : -1;
            _length = original.Headers.ContentLength!.Value;
            foreach (var (name, values) in original.Headers)
            {
                Headers.TryAddWithoutValidation(name, values);
            }
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            if (_start >= 0)
            {
                _source.Position = _start;
            }

            byte[] block = ArrayPool<byte>.Shared.Rent((int)Math.Min(BlockSize, _length));
            try
            {
                long remaining = _length;
                while (remaining > 0)
                {
                    int filled = 0;
                    int wanted = (int)Math.Min(block.Length, remaining);
                    while (filled < wanted)
                    {
                        // Synchronous on purpose: the SDK's sub-stream has no asynchronous read of its own (see the class summary).
                        int read = _source.Read(block, filled, wanted - filled);
                        if (read == 0)
                        {
                            throw new IOException($"The upload fragment's source ended {remaining - filled} bytes before its declared length of {_length}.");
                        }

                        filled += read;
                    }

                    await stream.WriteAsync(block.AsMemory(0, filled), cancellationToken);
                    remaining -= filled;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(block);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _original.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
