namespace Atomiton.Storage.Host.Auth;

/// <summary>Opens an address in the user's browser (a seam so tests never start one).</summary>
internal interface IBrowserLauncher
{
    /// <summary>Tries to open <paramref name="address"/>; false when no browser could be started (the caller prints the address instead).</summary>
    bool TryOpen(Uri address);
}
