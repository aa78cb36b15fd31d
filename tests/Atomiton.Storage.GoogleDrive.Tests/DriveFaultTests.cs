using System.Security.Cryptography;
using Atomiton.Storage.Emulators.GoogleDrive;

namespace Atomiton.Storage.GoogleDrive.Tests;

/// <summary>
/// Each scripted fault of the emulator against the plugin: the outcome (completed, or a clear
/// error naming the key and Drive's reason), the exact requests it cost, and that no object is torn
/// or duplicated.
/// </summary>
public sealed class DriveFaultTests
{
    private static readonly byte[] Small = [1, 2, 3, 4, 5];

    [Theory]
    [InlineData(DriveFaultKind.UserRateLimitExceeded)]
    [InlineData(DriveFaultKind.RateLimitExceeded)]
    [InlineData(DriveFaultKind.TooManyRequests)]
    [InlineData(DriveFaultKind.InternalError)]
    [InlineData(DriveFaultKind.ServiceUnavailable)]
    public async Task A_storm_of_retryable_answers_is_retried_until_the_save_completes(DriveFaultKind kind)
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync();
        await engine.SaveAsync("storm/a", new MemoryStream(Small)); // warms the id pool
        environment.Drive.Requests.Clear();
        environment.Drive.Faults.Add(new DriveFault(kind, DriveFaultTarget.Metadata, Count: 3));
        environment.Drive.Faults.Add(new DriveFault(kind, DriveFaultTarget.UploadStart, Count: 2) { RetryAfter = TimeSpan.Zero });

        var item = await engine.SaveAsync("storm/b", new MemoryStream(Small));

        // The lookup (3 refused, then answered) and the multipart upload (2 refused, then answered): nothing else.
        var requests = environment.Drive.Requests.All;
        Assert.Equal(7, requests.Count);
        Assert.Equal(5, requests.Count(r => r.Status >= 400));
        Assert.Equal(5, engine.Retries.Retries);
        Assert.Equal(["storm/a", "storm/b"], environment.Drive.FileNames());
        Assert.Equal(Small, await engine.LoadBytesAsync("storm/b"));
        Assert.Equal(item, await engine.StatAsync("storm/b"));
    }

    [Fact]
    public async Task Throttling_past_the_retries_fails_with_RateLimited_naming_the_key_and_the_reason()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync(o => o.MaxRetries = 2);
        environment.Drive.Requests.Clear();
        environment.Drive.Faults.Add(new DriveFault(DriveFaultKind.UserRateLimitExceeded, DriveFaultTarget.Metadata, Count: 10));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("busy/key"));

        Assert.Equal(StorageErrorCode.RateLimited, error.Code);
        Assert.Contains("'busy/key'", error.Message, StringComparison.Ordinal);
        Assert.Contains("userRateLimitExceeded", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, environment.Drive.Requests.Count); // the first try and two retries
        Assert.Equal(2, engine.Retries.Retries);
    }

    [Fact]
    public async Task A_connection_dropped_midway_through_a_chunk_resumes_from_the_last_confirmed_byte()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync();
        var content = RandomBytes(1024 * 1024 + 17, seed: 1);
        environment.Drive.Requests.Clear();
        environment.Drive.Faults.Add(new DriveFault(DriveFaultKind.DropConnection, DriveFaultTarget.UploadChunk, Count: 1));

        var item = await engine.SaveAsync("dropped/object", new NonSeekableStream(content));

        Assert.Equal(Sha256(content), item.Hashes[StorageHashAlgorithms.Sha256]);
        Assert.Equal(content, await engine.LoadBytesAsync("dropped/object"));
        Assert.Equal(["dropped/object"], environment.Drive.FileNames());
        var requests = environment.Drive.Requests.All;
        Assert.Contains(requests, r => r.Status == 0); // the chunk that was cut
        Assert.Equal(0, environment.Drive.OpenUploadSessions);
    }

    [Theory]
    [InlineData(DriveFaultKind.InternalError)]
    [InlineData(DriveFaultKind.ServiceUnavailable)]
    public async Task A_server_error_on_a_chunk_resumes_the_upload(DriveFaultKind kind)
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync();
        var content = RandomBytes(768 * 1024 + 5, seed: 2);
        environment.Drive.Faults.Add(new DriveFault(kind, DriveFaultTarget.UploadChunk, Count: 2));

        var item = await engine.SaveAsync("chunk/errors", new NonSeekableStream(content));

        Assert.Equal(Sha256(content), item.Hashes[StorageHashAlgorithms.Sha256]);
        Assert.Equal(["chunk/errors"], environment.Drive.FileNames());
    }

    [Fact]
    public async Task An_expired_upload_session_restarts_from_the_first_byte_when_the_source_can_be_read_again()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync();
        var content = RandomBytes(1024 * 1024, seed: 3);
        environment.Drive.Requests.Clear();
        environment.Drive.Faults.Add(new DriveFault(DriveFaultKind.ExpireUploadSession, DriveFaultTarget.UploadChunk, Count: 1));

        var item = await engine.SaveAsync("expired/seekable", new MemoryStream(content));

        Assert.Equal(Sha256(content), item.Hashes[StorageHashAlgorithms.Sha256]);
        Assert.Equal(["expired/seekable"], environment.Drive.FileNames());
        Assert.Equal(2, environment.Drive.Requests.All.Count(r => r.Method == "POST" && r.PathAndQuery.Contains("uploadType=resumable", StringComparison.Ordinal) && !r.PathAndQuery.Contains("upload_id", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_expired_upload_session_of_a_one_pass_source_fails_clearly_and_writes_nothing()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync();
        environment.Drive.Faults.Add(new DriveFault(DriveFaultKind.ExpireUploadSession, DriveFaultTarget.UploadChunk, Count: 1));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("expired/stream", new NonSeekableStream(RandomBytes(1024 * 1024, seed: 4))));

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.Contains("'expired/stream'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was written", error.Message, StringComparison.Ordinal);
        Assert.Empty(environment.Drive.FileNames());
    }

    [Fact]
    public async Task A_full_account_fails_with_QuotaExceeded_and_keeps_the_earlier_version()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync();
        await engine.SaveAsync("quota/doc", new MemoryStream(Small));
        environment.Drive.Options.QuotaBytes = 1024;

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("quota/doc", new MemoryStream(RandomBytes(4096, seed: 5))));

        Assert.Equal(StorageErrorCode.QuotaExceeded, error.Code);
        Assert.Contains("storageQuotaExceeded", error.Message, StringComparison.Ordinal);
        Assert.Contains("'quota/doc'", error.Message, StringComparison.Ordinal);
        Assert.Equal(Small, await engine.LoadBytesAsync("quota/doc"));
        var info = await engine.GetInfoAsync();
        Assert.Equal(1024, info.Limits.QuotaTotal);
        Assert.Equal(Small.Length, info.Limits.QuotaUsed);
    }

    [Fact]
    public async Task A_refused_access_token_is_refreshed_once_and_the_request_retried()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync();
        await engine.SaveAsync("auth/doc", new MemoryStream(Small));
        int refreshes = environment.Emulator.Authority.State.Refreshes;
        environment.Drive.Faults.Add(new DriveFault(DriveFaultKind.InvalidCredentials, DriveFaultTarget.Metadata, Count: 1));

        Assert.Equal(Small, await engine.LoadBytesAsync("auth/doc"));
        Assert.Equal(1, engine.Authorization.RefreshesAfter401);
        Assert.Equal(refreshes + 1, environment.Emulator.Authority.State.Refreshes);
    }

    [Fact]
    public async Task A_second_401_after_the_refresh_fails_with_AuthenticationFailed()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync();
        environment.Drive.Faults.Add(new DriveFault(DriveFaultKind.InvalidCredentials, DriveFaultTarget.Metadata, Count: 2));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("auth/other"));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.Contains("authError", error.Message, StringComparison.Ordinal);
        Assert.Contains("atomiton-storage auth login tests/drive", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, engine.Authorization.RefreshesAfter401);
    }

    [Fact]
    public async Task A_revoked_grant_fails_with_AuthorizationRequired_naming_the_stage_and_the_command()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync();
        environment.Emulator.Authority.State.RevokeAllRefreshTokens();
        environment.Drive.Faults.Add(new DriveFault(DriveFaultKind.InvalidCredentials, DriveFaultTarget.Metadata, Count: 1));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("auth/revoked"));

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("Stage 'drive' of pipeline 'tests'", error.Message, StringComparison.Ordinal);
        Assert.Contains("atomiton-storage auth login tests/drive", error.Message, StringComparison.Ordinal);
        foreach (var secret in environment.Emulator.Authority.State.Secrets)
        {
            Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
        }
    }

    internal static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    internal static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
