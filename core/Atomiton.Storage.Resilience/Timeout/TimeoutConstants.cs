namespace Atomiton.Storage.Resilience.Timeout;

/// <summary>The defaults of <see cref="TimeoutOptions"/>, in one place (OpenDAL's timeout layer uses 60 s and 10 s).</summary>
internal static class TimeoutConstants
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultIoTimeout = TimeSpan.FromSeconds(10);
}
