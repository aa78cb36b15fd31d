namespace Atomiton.Storage.Plugins.Browser.Server;

/// <summary>Options of the HTTP transfers beside a Blazor Server circuit (<c>AddAtomitonBrowserStorageTransfers</c>).</summary>
public sealed class BrowserStorageTransferOptions
{
    /// <summary>
    /// Where the endpoints are mapped, below the app's path base; the page reaches them relative to its base
    /// address. Default <c>/_atomiton/storage/transfer</c>.
    /// </summary>
    public string Path { get; set; } = "/_atomiton/storage/transfer";
}
