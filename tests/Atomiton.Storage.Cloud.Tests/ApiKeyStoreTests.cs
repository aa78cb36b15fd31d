using Atomiton.Storage.Cloud.Server.Auth;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>The key store the server and the <c>cloud keys</c> commands share.</summary>
public sealed class ApiKeyStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "atomiton-keys-tests", Guid.NewGuid().ToString("N"));

    private string FilePath => Path.Combine(_directory, "keys.json");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Created_keys_authenticate_list_and_survive_in_the_file()
    {
        var store = new ApiKeyStore(FilePath);
        var first = store.Create("acme/", ApiKeyPermissions.Read, "reporting");
        var second = store.Create("", ApiKeyPermissions.Admin);

        Assert.Matches("^atm_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", first.Key);
        Assert.NotEqual(first.Key, second.Key);
        var reopened = new ApiKeyStore(FilePath);
        Assert.Equal(new[] { first.Entry.Id, second.Entry.Id }.Order(StringComparer.Ordinal), reopened.List().Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Equal("acme/", reopened.Authenticate(first.Key)!.TenantPrefix);
        Assert.Equal(ApiKeyPermissions.Admin, reopened.Authenticate(second.Key)!.Permissions);
        Assert.Equal("reporting", reopened.List().Single(e => e.Id == first.Entry.Id).Description);
    }

    [Fact]
    public void Revoke_refuses_the_key_from_then_on_and_reports_unknown_ids()
    {
        var store = new ApiKeyStore(FilePath);
        var key = store.Create("acme/", ApiKeyPermissions.Write);
        Assert.True(store.Revoke(key.Entry.Id));
        Assert.True(store.Revoke(key.Entry.Id));
        Assert.False(store.Revoke("0000000000000000"));
        Assert.Null(store.Authenticate(key.Key));
        Assert.NotNull(new ApiKeyStore(FilePath).List().Single().Revoked);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("atm_")]
    [InlineData("atm_0123456789ABCDEF_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("xyz_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_keys_do_not_authenticate(string? presented)
    {
        var store = new ApiKeyStore(FilePath);
        store.Create("acme/", ApiKeyPermissions.Read);
        Assert.Null(store.Authenticate(presented));
    }

    [Fact]
    public void A_corrupt_key_file_is_reported_with_its_path()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(FilePath, "{ not json");
        var error = Assert.Throws<InvalidDataException>(() => new ApiKeyStore(FilePath));
        Assert.Contains(FilePath, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-hex")]
    [InlineData("abcd")]
    public void Key_whose_stored_hash_was_damaged_is_refused_and_the_others_still_work(string damagedHash)
    {
        var store = new ApiKeyStore(FilePath);
        var damaged = store.Create("acme/", ApiKeyPermissions.Read);
        var intact = store.Create("other/", ApiKeyPermissions.Read);
        File.WriteAllText(FilePath, File.ReadAllText(FilePath).Replace(damaged.Entry.Hash, damagedHash, StringComparison.Ordinal));

        var reopened = new ApiKeyStore(FilePath);

        Assert.Null(reopened.Authenticate(damaged.Key));
        Assert.Equal(intact.Entry.Id, reopened.Authenticate(intact.Key)!.Id);
    }
}
