namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>How operating-system failures become storage errors: code, key, cause, and a message that says what to do.</summary>
public sealed class IOErrorsTests
{
    public static TheoryData<Exception, StorageErrorCode, string> Failures() => new()
    {
        { new UnauthorizedAccessException("denied"), StorageErrorCode.AccessDenied, "Check the permissions of baseDir" },
        { new IOException("No space left on device", OperatingSystem.IsWindows() ? unchecked((int)0x80070070) : 28), StorageErrorCode.StorageFull, "Free space and retry" },
        { new PathTooLongException("too long"), StorageErrorCode.InvalidKey, "Use a shorter key or a shorter baseDir" },
        { new IOException("Input/output error", 5), StorageErrorCode.Unknown, "Input/output error" },
        { new FileNotFoundException("gone"), StorageErrorCode.Unknown, "gone" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Failures_become_storage_errors_naming_the_key_the_operation_and_the_cause(Exception failure, StorageErrorCode code, string advice)
    {
        var error = IOErrors.Translate(failure, "flows/a.json", "save");

        Assert.Equal(code, error.Code);
        Assert.Equal("flows/a.json", error.Key);
        Assert.Same(failure, error.InnerException);
        Assert.Contains("'flows/a.json'", error.Message, StringComparison.Ordinal);
        Assert.Contains("save", error.Message, StringComparison.Ordinal);
        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exhausted_disk_quota_is_QuotaExceeded_on_Unix()
    {
        var error = IOErrors.Translate(new IOException("Disk quota exceeded", 122), "k", "save");

        Assert.Equal(OperatingSystem.IsWindows() ? StorageErrorCode.Unknown : StorageErrorCode.QuotaExceeded, error.Code);
        Assert.Contains("Nothing was written", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_operating_system_failures_are_translated()
    {
        Assert.True(IOErrors.IsTranslatable(new IOException()));
        Assert.True(IOErrors.IsTranslatable(new UnauthorizedAccessException()));
        Assert.True(IOErrors.IsTranslatable(new DirectoryNotFoundException()));
        Assert.False(IOErrors.IsTranslatable(new InvalidOperationException()));
        Assert.False(IOErrors.IsTranslatable(new StorageException(StorageErrorCode.NotFound, "x")));
    }
}
