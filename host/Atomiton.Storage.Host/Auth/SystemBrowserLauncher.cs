using System.ComponentModel;
using System.Diagnostics;

namespace Atomiton.Storage.Host.Auth;

/// <summary>Opens the system browser: <c>xdg-open</c> on Linux, <c>open</c> on macOS, the shell's default handler on Windows.</summary>
internal sealed class SystemBrowserLauncher : IBrowserLauncher
{
    public bool TryOpen(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo(address.AbsoluteUri) { UseShellExecute = true }
            : new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open") { ArgumentList = { address.AbsoluteUri }, UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        try
        {
            using var process = Process.Start(start);
            return process is not null;
        }
        catch (Win32Exception)
        {
            return false; // no browser opener on this machine (a server): the address is printed instead
        }
    }
}
