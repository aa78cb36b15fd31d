namespace Atomiton.Storage.Host.Tests.Support;

/// <summary>A theory about POSIX behaviour (signals sent with kill(1)); skipped, with that reason, on Windows.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PosixTheoryAttribute : TheoryAttribute
{
    public PosixTheoryAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "POSIX signals are sent with kill(1), which Windows does not have.";
        }
    }
}
