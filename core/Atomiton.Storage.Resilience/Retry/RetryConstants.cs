namespace Atomiton.Storage.Resilience.Retry;

/// <summary>The defaults of <see cref="RetryOptions"/>, in one place.</summary>
internal static class RetryConstants
{
    public const int DefaultMaxRetryAttempts = 3;

    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultMaxRetryAfter = TimeSpan.FromMinutes(1);
}
