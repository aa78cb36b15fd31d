using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Providers;

namespace OAuthPlugin;

/// <summary>Options of the <c>oauth-probe</c> backend.</summary>
public sealed class OAuthProbeOptions
{
    /// <summary>The OAuth authority's base address (its /authorize, /token, /device/code, /revoke and /me), such as <c>http://127.0.0.1:5001/</c>.</summary>
    [Required]
    public Uri? Authority { get; set; }

    /// <summary>The client id registered at the authority.</summary>
    [Required]
    public string ClientId { get; set; } = "";

    /// <summary>The client secret, for a confidential client (an <c>env:</c> or <c>file:</c> reference).</summary>
    [StorageSecret]
    public string? ClientSecret { get; set; }

    /// <summary>The folder objects are kept in.</summary>
    [Required]
    [StoragePath]
    public string BaseDir { get; set; } = "";
}
