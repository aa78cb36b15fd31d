namespace Atomiton.Storage.Cloud.Server.Auth;

/// <summary>What an API key may do inside its tenant.</summary>
[Flags]
public enum ApiKeyPermissions
{
    /// <summary>Nothing; such a key is refused with 403 on every operation.</summary>
    None = 0,

    /// <summary>Load, stat, list and info.</summary>
    Read = 1 << 0,

    /// <summary>Save, delete and upload sessions.</summary>
    Write = 1 << 1,

    /// <summary>Everything, plus the engine's whole usage figures in info.</summary>
    Admin = 1 << 2,
}
