using System.Diagnostics;
using System.Text.RegularExpressions;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

/// <summary>
/// The served host killed outright (SIGKILL) in the middle of an upload and started again on the
/// same port: the upload session survives on disk and the <c>cloud</c> plugin resumes it, so the
/// object arrives whole — and nothing partial is ever visible meanwhile.
/// </summary>
public sealed class ServeRestartTests : IDisposable
{
    private readonly Sandbox _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task Upload_resumes_after_the_serving_process_is_killed_and_restarted()
    {
        var key = (await _server.RunAsync("cloud", "keys", "create", "--tenant", "t/")).Output.Trim();
        var (serving, endpoint) = await StartServeAsync("http://127.0.0.1:0");
        var variable = "ATOMITON_CLOUD_RESTART_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, key);
        try
        {
            using var client = new Sandbox($$"""
                {
                  "pluginDirectories": [{{Sandbox.PluginDirectoryJson}}],
                  "stages": { "cloud": { "type": "cloud", "options": { "endpoint": "{{endpoint}}", "apiKey": "env:{{variable}}", "chunkSize": 65536, "maxRetries": 8, "retryDelay": "00:00:00.1" } } },
                  "pipelines": { "remote": { "chain": ["cloud"] } }
                }
                """);
            var (host, remote) = await client.OpenAsync("remote");
            using (host)
            {
                await using (remote)
                {
                    var content = new byte[1024 * 1024 + 77];
                    new Random(21).NextBytes(content);
                    var source = new GatedStream(content, gateAt: 300 * 1024);
                    var save = Task.Run(async () => await remote.SaveAsync("videos/clip.bin", source));
                    await source.Reached.Task.WaitAsync(TimeSpan.FromMinutes(5));

                    serving.Kill(entireProcessTree: true);
                    await serving.WaitForExitAsync();
                    serving.Dispose();
                    Assert.False(await ExistsOnServerAsync("t/videos/clip.bin"));
                    (serving, _) = await StartServeAsync(endpoint.TrimEnd('/'));
                    source.Release.SetResult();
                    var item = await save.WaitAsync(TimeSpan.FromMinutes(5));

                    Assert.Equal(content.Length, item.Size);
                    var (serverHost, served) = await _server.OpenAsync("local");
                    using (serverHost)
                    {
                        await using (served)
                        {
                            Assert.Equal(content, await served.LoadBytesAsync("t/videos/clip.bin"));
                        }
                    }
                }
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            serving.Kill(entireProcessTree: true);
            await serving.WaitForExitAsync();
            serving.Dispose();
        }
    }

    private async Task<(Process Process, string Endpoint)> StartServeAsync(string url)
    {
        var process = Process.Start(HostProcess.StartInfo(_server.Directory, ["serve", "--pipeline", "local", "--urls", url, "--upload-dir", "uploads"]))!;
        var banner = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(5));
        var endpoint = Regex.Match(banner ?? "", @"http://127\.0\.0\.1:\d+/").Value;
        if (endpoint.Length == 0)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"serve printed no address: {banner} {await process.StandardError.ReadToEndAsync()}");
        }

        return (process, endpoint);
    }

    private async Task<bool> ExistsOnServerAsync(string key)
    {
        var (host, engine) = await _server.OpenAsync("local");
        using (host)
        {
            await using (engine)
            {
                return await engine.ExistsAsync(key);
            }
        }
    }

    /// <summary>Yields seeded content, stopping at <c>gateAt</c> bytes until released (a writer that pauses mid-object).</summary>
    private sealed class GatedStream(byte[] content, int gateAt) : Stream
    {
        private int _position;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == gateAt)
            {
                Reached.TrySetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }

            int limit = _position < gateAt ? gateAt : content.Length;
            int count = Math.Min(buffer.Length, limit - _position);
            content.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
