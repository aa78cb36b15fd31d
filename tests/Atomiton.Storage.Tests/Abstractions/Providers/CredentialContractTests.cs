using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Tests.Abstractions.Providers;

public sealed class CredentialContractTests
{
    [Fact]
    public void AuthorizationRequired_names_pipeline_stage_and_the_command_to_run()
    {
        var error = StorageException.AuthorizationRequired("photos", "drive", "the refresh token was revoked", "gdrive");

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.False(error.IsTransient);
        Assert.Equal("gdrive", error.Provider);
        Assert.Contains("Stage 'drive' of pipeline 'photos'", error.Message, StringComparison.Ordinal);
        Assert.Contains("the refresh token was revoked", error.Message, StringComparison.Ordinal);
        Assert.Contains("`atomiton-storage auth login photos/drive`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Context_builds_AuthorizationRequired_for_its_own_stage()
    {
        var context = new StorageProviderContext { PipelineName = "backup", StageName = "box" };

        var error = context.AuthorizationRequired("never signed in", "dropbox");

        Assert.Contains(StorageException.SignInCommand("backup", "box"), error.Message, StringComparison.Ordinal);
        Assert.Equal("atomiton-storage auth login backup/box", StorageException.SignInCommand("backup", "box"));
    }

    [Fact]
    public void Context_carries_no_credential_store_or_prompt_unless_the_host_gives_them()
    {
        var context = new StorageProviderContext { PipelineName = "p", StageName = "s" };

        Assert.Null(context.Credentials);
        Assert.Null(context.AuthorizationPrompt);
    }

    [Fact]
    public void Credential_ToString_never_shows_the_value()
    {
        var credential = new StorageCredential("refresh-SECRET-123", "v7");

        Assert.DoesNotContain("SECRET", credential.ToString(), StringComparison.Ordinal);
        Assert.Contains("v7", credential.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_needs_a_version()
    {
        Assert.Throws<ArgumentException>(() => new StorageCredential("x", ""));
        Assert.Throws<ArgumentNullException>(() => new StorageCredential(null!, "v1"));
    }
}
