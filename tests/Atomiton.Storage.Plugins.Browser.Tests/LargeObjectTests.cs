using System.Security.Cryptography;
using Atomiton.Storage.Cached;
using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Plugins.Browser.IndexedDb;
using Atomiton.Storage.Providers;
using Xunit.Abstractions;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// A 50 MiB object through <c>cached → encrypted → indexeddb</c> in Interactive Server mode, in bounded memory: through
/// the circuit, and over the app's HTTP transport (which the provider finds in the app's services).
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class LargeObjectTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const long Size = 50L * 1024 * 1024;

    // Half the object: a save or load that held the object (or its ciphertext) would retain more.
    private const long RetainedLimit = 24L * 1024 * 1024;

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_50_MiB_object_saves_and_loads_through_cached_encrypted_indexeddb_without_the_process_holding_it(bool httpTransport)
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var page = await browser.SharedPageAsync();
        var context = new StorageProviderContext { PipelineName = "large", StageName = "db" };
        var services = new RuntimeServices(page.Runtime, httpTransport ? browser.Transport : null);
        var backend = await new IndexedDbProvider().CreateAsync(new IndexedDbOptions { DatabaseName = "large-" + Guid.NewGuid().ToString("N") }, context with { Services = services });
        Assert.Equal(httpTransport, ((BrowserEngine)backend).UsesHttpTransport);
        var encrypted = await new EncryptedProvider().CreateAsync(new EncryptedOptions { Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }, context with { StageName = "vault", Inner = backend });
        await using var engine = await new CachedProvider().CreateAsync(new CachedOptions(), context with { StageName = "lru", Inner = encrypted });

        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        var source = new SeededSource(Size, seed: 50);
        var item = await engine.SaveAsync("big.bin", source);
        Assert.Equal(Size, item.Size);

        await using var loaded = await engine.OpenReadAsync("big.bin");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[81920];
        long total = 0;
        long loadRetained = 0;
        int read;
        while ((read = await loaded.Content.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            long before = total;
            total += read;
            if (before < Size / 2 && total >= Size / 2)
            {
                loadRetained = GC.GetTotalMemory(forceFullCollection: true) - baseline;
            }
        }

        Assert.Equal(Size, total);
        Assert.Equal(source.Hash, hash.GetHashAndReset());
        output.WriteLine($"retained half-way: save {source.RetainedHalfway - baseline:N0} bytes, load {loadRetained:N0} bytes (limit {RetainedLimit:N0}; object {Size:N0}).");
        Assert.True(source.RetainedHalfway - baseline < RetainedLimit, $"the save retained {source.RetainedHalfway - baseline:N0} bytes half-way through a {Size:N0}-byte object");
        Assert.True(loadRetained < RetainedLimit, $"the load retained {loadRetained:N0} bytes half-way through a {Size:N0}-byte object");
        Assert.Equal(httpTransport, ((BrowserEngine)backend).UsesHttpTransport);
    }

    /// <summary>Non-seekable seeded content that notes the retained heap when half of it has been read.</summary>
    private sealed class SeededSource(long size, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;

        public byte[] Hash { get; private set; } = [];

        public long RetainedHalfway { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = (int)Math.Min(buffer.Length, size - _position);
            if (count == 0)
            {
                if (Hash.Length == 0)
                {
                    Hash = _hash.GetHashAndReset();
                }

                return 0;
            }

            _random.NextBytes(buffer[..count]);
            _hash.AppendData(buffer[..count]);
            long before = _position;
            _position += count;
            if (before < size / 2 && _position >= size / 2)
            {
                RetainedHalfway = GC.GetTotalMemory(forceFullCollection: true);
            }

            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class RuntimeServices(Microsoft.JSInterop.IJSRuntime runtime, IBrowserContentTransport? transport) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(Microsoft.JSInterop.IJSRuntime) ? runtime
            : serviceType == typeof(IBrowserContentTransport) ? transport
            : null;
    }
}
