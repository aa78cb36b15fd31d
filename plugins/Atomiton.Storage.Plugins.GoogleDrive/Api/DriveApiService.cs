using Google.Apis.Services;

namespace Atomiton.Storage.Plugins.GoogleDrive.Api;

/// <summary>
/// The Drive v3 service on Google's client runtime (the generated Google.Apis.Drive.v3 package is
/// not used): its base URI is the <c>baseUri</c> option, so the same requests reach Google or the
/// emulator. Retries, pacing and authorization are added to its HTTP client by <see cref="GoogleDriveEngine"/>.
/// </summary>
internal sealed class DriveApiService(BaseClientService.Initializer initializer) : BaseClientService(initializer)
{
    public const string DefaultBaseUri = "https://www.googleapis.com/drive/v3/";

    public override string Name => "drive";

    public override string BaseUri => GetEffectiveUri(BaseUriOverride, DefaultBaseUri);

    public override string BasePath => "drive/v3/";

    public override IList<string> Features => [];

    /// <summary>The upload endpoint of a base URI: <c>…/drive/v3/</c> becomes <c>…/upload/drive/v3/</c>.</summary>
    public string UploadUri(string path) => BaseUri.Replace("/drive/v3/", "/upload/drive/v3/", StringComparison.Ordinal) + path;
}
