using System.Runtime.Versioning;
using System.Text;
using Atomiton.Storage.Hosting.Credentials;
using Atomiton.Storage.Hosting.Tests.Support;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Credentials;

public sealed class FileCredentialStoreTests : IDisposable
{
    private const string Token = "rt-SECRET-0123456789";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Folder => _temp.Combine("credentials");

    private string KeyFile => _temp.Combine("credentials.key");

    private FileCredentialStore Store(string pipeline = "photos", string stage = "drive") => new(Folder, KeyFile, pipeline, stage);

    private string StoredFile(string pipeline = "photos", string stage = "drive") => Path.Combine(Folder, pipeline, stage + ".credentials");

    [Fact]
    public async Task Read_of_a_stage_never_signed_in_is_null_and_creates_nothing()
    {
        Assert.Null(await Store().ReadAsync("token"));
        Assert.False(Directory.Exists(Folder));
    }

    [Fact]
    public async Task Written_credential_reads_back_from_another_instance_with_its_version()
    {
        var written = await Store().WriteAsync("token", Token, expectedVersion: null);

        var read = await Store().ReadAsync("token");

        Assert.NotNull(read);
        Assert.Equal(Token, read.Value);
        Assert.Equal(written.Version, read.Version);
    }

    [Fact]
    public async Task Stored_file_is_sealed_in_the_encrypted_format_and_holds_no_token_in_clear()
    {
        await Store().WriteAsync("token", Token, expectedVersion: null);

        byte[] stored = await File.ReadAllBytesAsync(StoredFile());
        Assert.Equal("ATSE"u8.ToArray(), stored[..4]);
        Assert.DoesNotContain("SECRET", Encoding.Latin1.GetString(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_with_a_stale_version_is_a_Conflict_and_keeps_the_winner()
    {
        var first = await Store().WriteAsync("token", "v1", expectedVersion: null);
        var winner = await Store().WriteAsync("token", "v2-winner", first.Version);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await Store().WriteAsync("token", "v2-loser", first.Version));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        Assert.Contains("Credential 'token' of stage 'drive' (pipeline 'photos')", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("v2-", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("v2-winner", (await Store().ReadAsync("token"))!.Value);
        Assert.NotEqual(first.Version, winner.Version);
    }

    [Fact]
    public async Task Create_only_write_fails_when_a_credential_exists_and_AnyVersion_replaces_it()
    {
        await Store().WriteAsync("token", "v1", expectedVersion: null);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await Store().WriteAsync("token", "v2", expectedVersion: null));
        Assert.Equal(StorageErrorCode.Conflict, error.Code);

        await Store().WriteAsync("token", "v3", IStorageCredentialStore.AnyVersion);
        Assert.Equal("v3", (await Store().ReadAsync("token"))!.Value);
    }

    [Fact]
    public async Task Concurrent_refreshes_from_one_version_let_exactly_one_win()
    {
        var start = await Store().WriteAsync("token", "rt-0", expectedVersion: null);

        // Each writer is its own store instance with its own lock handle, as separate processes would be.
        var attempts = Enumerable.Range(1, 8).Select(async i =>
        {
            await Task.Yield();
            try
            {
                await Store().WriteAsync("token", "rt-" + i, start.Version);
                return i;
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
            {
                return 0;
            }
        }).ToList();
        int[] results = await Task.WhenAll(attempts);

        int winner = Assert.Single(results, r => r != 0);
        Assert.Equal("rt-" + winner, (await Store().ReadAsync("token"))!.Value);
    }

    [Fact]
    public async Task Stages_keep_separate_files_and_delete_forgets_one_name()
    {
        await Store("photos", "drive").WriteAsync("token", "a", null);
        await Store("photos", "box").WriteAsync("token", "b", null);

        Assert.True(await Store("photos", "drive").DeleteAsync("token"));
        Assert.False(await Store("photos", "drive").DeleteAsync("token"));

        Assert.Null(await Store("photos", "drive").ReadAsync("token"));
        Assert.Equal("b", (await Store("photos", "box").ReadAsync("token"))!.Value);
        Assert.False(File.Exists(StoredFile("photos", "drive")));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("extend")]
    [InlineData("empty")]
    public async Task Damaged_file_is_an_Integrity_error_naming_the_file_and_the_command_never_a_value(string damage)
    {
        await Store().WriteAsync("token", Token, null);
        byte[] stored = await File.ReadAllBytesAsync(StoredFile());
        byte[] damaged = damage switch
        {
            "flip" => Flip(stored, stored.Length - 20),
            "truncate" => stored[..^1],
            "extend" => [.. stored, 0],
            _ => [],
        };
        await File.WriteAllBytesAsync(StoredFile(), damaged);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await Store().ReadAsync("token"));

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Contains($"The credential file '{Path.Combine("photos", "drive.credentials")}' in the credential folder was not used", error.Message, StringComparison.Ordinal);
        Assert.Contains("`atomiton-storage auth login photos/drive`", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_stages_file_copied_in_place_is_refused_not_used()
    {
        await Store("photos", "drive").WriteAsync("token", "drive-token", null);
        await Store("photos", "box").WriteAsync("token", "box-token", null);
        File.Copy(StoredFile("photos", "box"), StoredFile("photos", "drive"), overwrite: true);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await Store("photos", "drive").ReadAsync("token"));

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
    }

    [Fact]
    public async Task File_sealed_under_another_key_is_AuthenticationFailed()
    {
        await Store().WriteAsync("token", Token, null);
        await File.WriteAllBytesAsync(KeyFile, new byte[32]);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await Store().ReadAsync("token"));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.Contains("another credential key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_of_the_wrong_length_is_refused()
    {
        await File.WriteAllBytesAsync(KeyFile, new byte[5]);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var error = await Assert.ThrowsAsync<StorageException>(async () => await Store().WriteAsync("token", Token, null));

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Contains("holds 5 bytes, not a 32-byte key", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task Key_file_credential_files_and_folders_are_owner_only()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix permission bits; on Windows the files live in the user's profile.");
        await Store().WriteAsync("token", Token, null);

        const UnixFileMode ownerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode ownerFolder = ownerFile | UnixFileMode.UserExecute;
        Assert.Equal(ownerFile, File.GetUnixFileMode(KeyFile));
        Assert.Equal(ownerFile, File.GetUnixFileMode(StoredFile()));
        Assert.Equal(ownerFolder, File.GetUnixFileMode(Folder));
        Assert.Equal(ownerFolder, File.GetUnixFileMode(Path.Combine(Folder, "photos")));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task Key_file_others_can_read_is_refused_with_how_to_fix_it()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix permission bits; on Windows the files live in the user's profile.");
        await Store().WriteAsync("token", Token, null);
        File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await Store().ReadAsync("token"));

        Assert.Equal(StorageErrorCode.AccessDenied, error.Code);
        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    public async Task Bad_credential_names_are_refused(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store().ReadAsync(name));
    }

    [Fact]
    public async Task Pipeline_and_stage_names_cannot_leave_the_credential_folder()
    {
        await Store("../up", "..").WriteAsync("token", "x", null);

        string[] files = Directory.GetFiles(_temp.Path, "*.credentials", SearchOption.AllDirectories);
        Assert.All(files, f => Assert.StartsWith(Folder + Path.DirectorySeparatorChar, f, StringComparison.Ordinal));
        Assert.Equal("x", (await Store("../up", "..").ReadAsync("token"))!.Value);
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        byte[] copy = [.. bytes];
        copy[index] ^= 0x40;
        return copy;
    }
}
