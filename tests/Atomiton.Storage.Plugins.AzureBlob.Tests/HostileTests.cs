using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.AzureBlob.Tests;

/// <summary>Wrong credentials, a missing container and a service that drops the connection mid-upload, against Azurite.</summary>
[Collection(AzuriteCollectionDefinition.Name)]
public sealed class HostileTests(AzuriteFixture azurite)
{
    // A well-formed base64 key that is not the account's.
    private const string WrongKey = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXk0MjQyNDI0MjQyNDI0MjQyNDI0Mg==";

    [SkippableFact]
    public async Task Wrong_account_key_is_AuthenticationFailed_without_the_key_in_the_message()
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        var options = azurite.Options(AzuriteFixture.NewContainer()) ;
        options.AccountKey = WrongKey;

        var error = await Assert.ThrowsAsync<StorageException>(async () => await azurite.ConnectAsync(options));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.False(error.IsTransient);
        Assert.Contains("stage 'azure'", error.Message, StringComparison.Ordinal);
        Assert.Contains("accountKey", error.Message, StringComparison.Ordinal);
        AssertNoSecret(error, WrongKey);
        AssertNoSecret(error, AzuriteFixture.AccountKey);
    }

    [SkippableFact]
    public async Task Wrong_key_in_a_connection_string_is_AuthenticationFailed_without_the_string_in_the_message()
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        string connectionString = azurite.ConnectionString.Replace(AzuriteFixture.AccountKey, WrongKey, StringComparison.Ordinal);
        var options = new AzureBlobOptions { Container = AzuriteFixture.NewContainer(), ConnectionString = connectionString, CreateContainer = true, MaxRetries = 0 };

        var error = await Assert.ThrowsAsync<StorageException>(async () => await azurite.ConnectAsync(options));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        AssertNoSecret(error, WrongKey);
        Assert.DoesNotContain("AccountKey=", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Malformed_connection_string_is_InvalidConfiguration_naming_the_option_not_its_value()
    {
        const string secretish = "AccountName=x;AccountKey=not-base64-@@@;Bogus";
        var options = new AzureBlobOptions { Container = "c0ntainer", ConnectionString = secretish };

        var error = await Assert.ThrowsAsync<StorageException>(async () => await AzureBlobEngine.ConnectAsync(options, new StorageProviderContext { PipelineName = "p", StageName = "s" }));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("connectionString", error.Message, StringComparison.Ordinal);
        AssertNoSecret(error, "not-base64-@@@");
    }

    [Fact]
    public async Task Options_without_exactly_one_credential_are_refused_before_any_request()
    {
        var none = new AzureBlobOptions { Container = "photos", ServiceUrl = "http://127.0.0.1:1/devstoreaccount1" };
        var two = new AzureBlobOptions { Container = "photos", ServiceUrl = "http://127.0.0.1:1/devstoreaccount1", AccountKey = WrongKey, SasToken = "sv=2024&sig=c2VjcmV0" };
        var context = new StorageProviderContext { PipelineName = "p", StageName = "s" };

        var noneError = await Assert.ThrowsAsync<StorageException>(async () => await AzureBlobEngine.ConnectAsync(none, context));
        var twoError = await Assert.ThrowsAsync<StorageException>(async () => await AzureBlobEngine.ConnectAsync(two, context));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, noneError.Code);
        Assert.Contains("no credential is set", noneError.Message, StringComparison.Ordinal);
        Assert.Equal(StorageErrorCode.InvalidConfiguration, twoError.Code);
        Assert.Contains("more than one credential", twoError.Message, StringComparison.Ordinal);
        AssertNoSecret(twoError, WrongKey);
        AssertNoSecret(twoError, "c2VjcmV0");
        Assert.DoesNotContain(WrongKey, two.ToString(), StringComparison.Ordinal);
        Assert.Contains("credential=accountKey", two.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Missing_container_without_createContainer_is_InvalidConfiguration_naming_it_and_the_option()
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        string container = AzuriteFixture.NewContainer("missing");

        var error = await Assert.ThrowsAsync<StorageException>(async () => await azurite.ConnectAsync(azurite.Options(container, createContainer: false)));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains($"Container '{container}' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("'createContainer': true", error.Message, StringComparison.Ordinal);
        Assert.Contains("stage 'azure'", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Container_deleted_under_a_running_engine_is_a_clear_error_not_NotFound()
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        string container = AzuriteFixture.NewContainer();
        await using var engine = await azurite.ConnectAsync(azurite.Options(container));
        var service = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString);
        await service.DeleteBlobContainerAsync(container);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("a.txt"));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("ContainerNotFound", error.Message, StringComparison.Ordinal);
        Assert.Contains(container, error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Connection_dropped_mid_upload_leaves_no_torn_object_and_the_earlier_version_intact(bool existing)
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        string container = AzuriteFixture.NewContainer();
        await using var direct = await azurite.ConnectAsync(azurite.Options(container));
        var original = "the earlier version"u8.ToArray();
        if (existing)
        {
            await direct.SaveAsync("big.bin", original);
        }

        // 2 MiB in 256 KiB blocks; the proxy cuts after about 1 MiB has been sent and then refuses everything.
        await using var proxy = new DroppingProxy(azurite.Port, cutAfterBytes: 1024 * 1024);
        var options = azurite.Options(container, createContainer: false);
        options.ServiceUrl = $"http://127.0.0.1:{proxy.Port}/{AzuriteFixture.AccountName}";
        options.MaxRetries = 1;
        await using var cut = await azurite.ConnectAsync(options);
        var content = new byte[2 * 1024 * 1024];
        new Random(22).NextBytes(content);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await cut.SaveAsync("big.bin", new NonSeekableStream(content)));

        Assert.True(proxy.Tripped);
        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        // The SDK retried once (maxRetries 1): the failure is persistent, so no retry stage above repeats it.
        Assert.True(error.IsPersistent, error.ToString());
        Assert.False(error.IsTransient);
        Assert.Contains("big.bin", error.Message, StringComparison.Ordinal);
        if (existing)
        {
            Assert.Equal(original, await direct.LoadBytesAsync("big.bin"));
        }
        else
        {
            Assert.False(await direct.ExistsAsync("big.bin"));
        }

        var listed = new List<string>();
        await foreach (var entry in direct.ListAsync())
        {
            listed.Add(entry.Key);
        }

        Assert.Equal(existing ? ["big.bin"] : [], listed);
    }

    private static void AssertNoSecret(StorageException error, string secret)
    {
        Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>A forward-only stream over bytes: a source of unknown length, as a network upload would be.</summary>
internal sealed class NonSeekableStream(byte[] content) : Stream
{
    private readonly MemoryStream _inner = new(content, writable: false);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
