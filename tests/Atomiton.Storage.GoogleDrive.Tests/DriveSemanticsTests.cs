using Atomiton.Storage.Testing;
using Atomiton.Storage.Plugins.GoogleDrive;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.GoogleDrive.Tests;

/// <summary>What is particular to Drive: no conditional requests, duplicate names, sign-in, request costs.</summary>
public sealed class DriveSemanticsTests
{
    private static readonly byte[] Content = [7, 7, 7];

    [Fact]
    public async Task Conditional_writes_are_refused_with_UnsupportedOperation_and_write_nothing()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync();
        var item = await engine.SaveAsync("cond/doc", new MemoryStream(Content));
        environment.Drive.Requests.Clear();

        var createOnly = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("cond/new", new MemoryStream(Content), new SaveOptions { Condition = WriteCondition.IfNotExists }));
        var ifMatch = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("cond/doc", new MemoryStream([1]), new SaveOptions { Condition = WriteCondition.IfMatch(item.ETag) }));
        var ifMatchDelete = await Assert.ThrowsAsync<StorageException>(async () => await engine.DeleteAsync("cond/doc", new DeleteOptions { IfMatch = item.ETag }));

        Assert.All([createOnly, ifMatch, ifMatchDelete], e => Assert.Equal(StorageErrorCode.UnsupportedOperation, e.Code));
        Assert.Equal(0, environment.Drive.Requests.Count); // refused before any request
        Assert.Equal(["cond/doc"], environment.Drive.FileNames());
        Assert.Equal(Content, await engine.LoadBytesAsync("cond/doc"));
    }

    [Fact]
    public async Task Duplicate_names_resolve_to_the_most_recently_modified_and_dedupe_keeps_it()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        await using var engine = await environment.ConnectAsync();
        using var raw = await RawDrive.ClientAsync(environment);
        // Modification times set apart: two creations in one millisecond would tie (then the smaller id wins).
        var older = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await RawDrive.CreateAsync(raw, "dup/key", [1], older);
        string newest = await RawDrive.CreateAsync(raw, "dup/key", [2, 2], older.AddSeconds(1));

        var stat = await engine.StatAsync("dup/key");
        Assert.Equal(newest, stat.ItemId);
        Assert.Equal(new byte[] { 2, 2 }, await engine.LoadBytesAsync("dup/key"));
        var listed = await engine.ListAsync().ToListAsync();
        Assert.Equal(newest, Assert.Single(listed).Item!.ItemId);

        // A save overwrites the winner; the loser stays until dedupe.
        await engine.SaveAsync("dup/key", new MemoryStream([3, 3, 3]));
        Assert.Equal(2, environment.Drive.FileNames().Count);
        Assert.Equal(1, await engine.DedupeAsync("dup/key"));
        Assert.Equal(0, await engine.DedupeAsync("dup/key"));
        Assert.Equal(new byte[] { 3, 3, 3 }, await engine.LoadBytesAsync("dup/key"));
        Assert.Equal(newest, (await engine.StatAsync("dup/key")).ItemId);

        // A delete removes every file of the name.
        await RawDrive.CreateAsync(raw, "dup/key", [4]);
        Assert.True(await engine.DeleteAsync("dup/key"));
        Assert.False(await engine.ExistsAsync("dup/key"));
    }

    [Fact]
    public async Task Connecting_without_a_sign_in_fails_with_AuthorizationRequired()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        var provider = new GoogleDriveProvider();

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await provider.CreateAsync(environment.Options(), environment.Context(credentials: new MemoryCredentialStore())));

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("atomiton-storage auth login tests/drive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_status_and_sign_out_go_through_the_credential_store_and_the_authority()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        var provider = new GoogleDriveProvider();
        var store = new MemoryCredentialStore();
        var user = new PlayedUser();

        var signedIn = await provider.SignInAsync(environment.Options(), environment.Context(user, store), StorageSignInFlow.Browser);
        Assert.True(signedIn.SignedIn);
        Assert.True(signedIn.CanRefresh);
        var opened = Assert.Single(user.Opened).ToString();
        Assert.Contains("code_challenge_method=S256", opened, StringComparison.Ordinal);
        Assert.Contains("access_type=offline", opened, StringComparison.Ordinal);
        Assert.Contains("state=", opened, StringComparison.Ordinal);
        Assert.Contains("drive.appdata", opened, StringComparison.Ordinal);

        var status = await provider.GetSignInStatusAsync(environment.Options(), environment.Context(credentials: store));
        Assert.True(status.SignedIn);
        Assert.NotNull(await store.ReadAsync("google-oauth"));
        foreach (var secret in environment.Emulator.Authority.State.Secrets)
        {
            Assert.DoesNotContain(secret, status.ToString(), StringComparison.Ordinal);
        }

        Assert.True(await provider.SignOutAsync(environment.Options(), environment.Context(credentials: store)));
        Assert.Null(await store.ReadAsync("google-oauth"));
        Assert.False((await provider.GetSignInStatusAsync(environment.Options(), environment.Context(credentials: store))).SignedIn);
        Assert.False(await provider.SignOutAsync(environment.Options(), environment.Context(credentials: store)));
    }

    [Fact]
    public async Task A_redirect_with_another_state_is_refused_and_stores_nothing()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        var store = new MemoryCredentialStore();
        var user = new PlayedUser { TamperRedirect = uri => new Uri(uri.ToString().Replace("state=", "state=x", StringComparison.Ordinal)) };

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await new GoogleDriveProvider().SignInAsync(environment.Options(), environment.Context(user, store), StorageSignInFlow.Browser));

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Null(await store.ReadAsync("google-oauth"));
    }

    [Fact]
    public async Task A_change_cursor_survives_a_new_engine_over_the_same_account()
    {
        await using var environment = await DriveTestEnvironment.StartAsync();
        string cursor;
        await using (var first = await environment.ConnectAsync())
        {
            cursor = await first.GetChangeCursorAsync("feed/");
            await first.SaveAsync("feed/a", new MemoryStream(Content));
        }

        await using var second = await environment.ConnectAsync();
        await second.SaveAsync("other/b", new MemoryStream(Content));
        await second.DeleteAsync("feed/a");
        var page = await second.ReadChangesAsync(cursor);

        var change = Assert.Single(page.Changes);
        Assert.Equal((StorageChangeKind.Deleted, "feed/a"), (change.Kind, change.Key));
    }
}
