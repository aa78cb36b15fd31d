namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>How keys become OneDrive names.</summary>
public enum OneDriveNameMode
{
    /// <summary>
    /// Each key segment is the OneDrive name as it is, so files look right in OneDrive and other apps;
    /// keys OneDrive cannot store (forbidden characters, leading or trailing spaces, trailing dots,
    /// reserved names) are refused with UnrepresentableKey.
    /// </summary>
    Native,

    /// <summary>
    /// Every valid key can be stored: characters OneDrive forbids, '%' itself, a leading or trailing
    /// space, a trailing dot and the first character of a reserved name are written as %XX (the
    /// UTF-8 byte in upper-case hex), and read back decoded. Names stay readable except for those characters.
    /// </summary>
    Encoded,
}
