using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>With encrypted names, the backend's errors are about encrypted names; the caller sees them about its own keys.</summary>
public sealed class EncryptedNameErrorTests
{
    [Fact]
    public async Task Loading_a_missing_key_names_the_plaintext_key_not_the_stored_name()
    {
        var inner = new MemoryEngine();
        await using var engine = await WithKeyAsync(inner, encryptKeys: true);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("flows/missing.json"));

        Assert.Equal(StorageErrorCode.NotFound, error.Code);
        Assert.Equal("flows/missing.json", error.Key);
        Assert.Contains("flows/missing.json", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("lUoGRj8XhGyNkqjOqFA4ePqxwRkK", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_create_only_save_over_an_existing_key_names_the_plaintext_key()
    {
        var inner = new MemoryEngine();
        await using var engine = await WithKeyAsync(inner, encryptKeys: true);
        await engine.SaveAsync("flows/a.json", Content(5));

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await engine.SaveAsync("flows/a.json", Content(5), new SaveOptions { Condition = WriteCondition.IfNotExists }));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        Assert.Equal("flows/a.json", error.Key);
        Assert.DoesNotContain("lUoGRj8XhGyNkqjOqFA4ePqxwRkK", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stat_of_a_missing_key_keeps_the_error_details_and_names_the_plaintext_key()
    {
        var inner = new MemoryEngine();
        await using var engine = await WithKeyAsync(inner, encryptKeys: true);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("flows"));

        Assert.Equal(StorageErrorCode.NotFound, error.Code);
        Assert.Equal("flows", error.Key);
        Assert.False(error.IsTransient);
        Assert.Contains("'flows'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("lUoGRj8XhGyNkqjOqFA4ePqxwRkK", error.Message, StringComparison.Ordinal);
    }
}
