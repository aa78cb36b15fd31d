namespace Atomiton.Storage.Tests.Abstractions;

public sealed class StorageExceptionTests
{
    [Theory]
    [InlineData(StorageErrorCode.NetworkError, true)]
    [InlineData(StorageErrorCode.RateLimited, true)]
    [InlineData(StorageErrorCode.Timeout, true)]
    [InlineData(StorageErrorCode.NotFound, false)]
    [InlineData(StorageErrorCode.Conflict, false)]
    [InlineData(StorageErrorCode.AccessDenied, false)]
    [InlineData(StorageErrorCode.QuotaExceeded, false)]
    [InlineData(StorageErrorCode.Integrity, false)]
    public void Transient_by_default_only_for_network_throttling_and_timeouts(StorageErrorCode code, bool transient)
    {
        Assert.Equal(transient, StorageException.IsTransientByDefault(code));
        Assert.Equal(transient, new StorageException(code, "m").IsTransient);
    }

    [Fact]
    public void Conventional_constructors_give_Unknown()
    {
        var inner = new IOException("disk");
        Assert.Equal(StorageErrorCode.Unknown, new StorageException().Code);
        Assert.Equal("A storage operation failed.", new StorageException().Message);
        Assert.Equal(StorageErrorCode.Unknown, new StorageException("m").Code);
        var wrapped = new StorageException("m", inner);
        Assert.Equal(StorageErrorCode.Unknown, wrapped.Code);
        Assert.Same(inner, wrapped.InnerException);
    }

    [Fact]
    public void WithContext_fills_what_is_missing_and_keeps_what_is_there()
    {
        var original = new StorageException(StorageErrorCode.RateLimited, "slow down") { RetryAfter = TimeSpan.FromSeconds(3), IsTransient = false, Provider = "inner" };

        var withContext = original.WithContext("outer", "save", "k");

        Assert.NotSame(original, withContext);
        Assert.Equal(("inner", "save", "k"), (withContext.Provider, withContext.Operation, withContext.Key));
        Assert.Equal(StorageErrorCode.RateLimited, withContext.Code);
        Assert.Equal(TimeSpan.FromSeconds(3), withContext.RetryAfter);
        Assert.False(withContext.IsTransient);
        Assert.Equal("slow down", withContext.Message);
        Assert.Same(original, withContext.InnerException);
    }

    [Fact]
    public void WithContext_keeps_the_inner_exception_of_the_original()
    {
        var cause = new IOException("socket");
        var original = new StorageException(StorageErrorCode.NetworkError, "net", cause);

        Assert.Same(cause, original.WithContext("p", "load", "k").InnerException);
    }

    [Fact]
    public void WithContext_returns_the_same_error_when_nothing_is_missing()
    {
        var complete = StorageException.NotFound("k", "memory", "load");
        Assert.Same(complete, complete.WithContext("other", "stat", "other-key"));

        var keyless = new StorageException(StorageErrorCode.Unknown, "m") { Provider = "p", Operation = "list" };
        Assert.Same(keyless, keyless.WithContext("x", "y", null));
    }

    [Fact]
    public void ToString_names_code_transience_provider_operation_and_key()
    {
        var error = new StorageException(StorageErrorCode.NetworkError, "connection reset") { Provider = "gdrive", Operation = "save", Key = "a/b" };

        var text = error.ToString();

        Assert.StartsWith("[NetworkError, transient, provider=gdrive, operation=save, key=a/b] ", text, StringComparison.Ordinal);
        Assert.Contains("connection reset", text, StringComparison.Ordinal);
        Assert.StartsWith("[Unknown] ", new StorageException().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_errors_say_what_to_do()
    {
        var notFound = StorageException.NotFound("k");
        Assert.Equal(StorageErrorCode.NotFound, notFound.Code);
        Assert.Contains("list the prefix", notFound.Message, StringComparison.Ordinal);

        var unsupported = StorageException.Unsupported("ranged reads", "plain", "no seeking");
        Assert.Equal(StorageErrorCode.UnsupportedOperation, unsupported.Code);
        Assert.Contains("'plain' engine does not support ranged reads: no seeking", unsupported.Message, StringComparison.Ordinal);
        Assert.Equal(("plain", "ranged reads"), (unsupported.Provider, unsupported.Operation));
        Assert.DoesNotContain(":", StorageException.Unsupported("x", "p").Message.Split('.')[0], StringComparison.Ordinal);

        Assert.Equal(StorageErrorCode.Conflict, StorageException.AlreadyExists("k").Code);
        Assert.Equal(StorageErrorCode.Conflict, StorageException.ETagMismatch("k", "\"e\"").Code);
    }
}
