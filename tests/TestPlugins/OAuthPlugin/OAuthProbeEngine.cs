using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Atomiton.Storage;
using Atomiton.Storage.OAuth;

namespace OAuthPlugin;

/// <summary>
/// Objects as files under a folder, each call first authorized by the OAuth authority: the engine
/// shows its bearer token to <c>/me</c>, and on a 401 asks the session for a refreshed one and tries
/// once more. A stage that is not (or no longer) signed in fails with AuthorizationRequired.
/// </summary>
public sealed class OAuthProbeEngine(OAuthProbeOptions settings, OAuthSession session, HttpClient http) : StorageEngine
{
    private readonly Uri _me = new(settings.Authority!, "me");

    public override string EngineType => "oauth-probe";

    public override StorageCapabilities Capabilities =>
        StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.Delete | StorageCapabilities.List
        | StorageCapabilities.RecursiveList | StorageCapabilities.ShallowList | StorageCapabilities.OrderedList;

    /// <summary>Calls <c>/me</c> with the session's access token (refreshed after a 401) and returns the account it names.</summary>
    public static async Task<string> WhoAmIAsync(HttpClient http, Uri me, OAuthSession session, CancellationToken cancellationToken)
    {
        string token = await session.GetAccessTokenAsync(cancellationToken);
        for (int attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, me);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new StorageException(StorageErrorCode.NetworkError, $"The service at {me.GetLeftPart(UriPartial.Authority)} could not be reached: {e.Message}", e) { Provider = "oauth-probe" };
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
                {
                    token = await session.InvalidateAsync(token, cancellationToken);
                    continue;
                }

                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    throw new StorageException(StorageErrorCode.AuthenticationFailed, "The service refused a freshly refreshed access token.") { Provider = "oauth-probe" };
                }

                response.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                return body.RootElement.GetProperty("email").GetString()!;
            }
        }
    }

    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        await AuthorizeAsync(cancellationToken);
        string path = PathOf(key);
        Directory.CreateDirectory(settings.BaseDir);
        string temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        await using (var file = File.Create(temporary))
        {
            await content.CopyToAsync(file, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
        return Item(key, new FileInfo(path));
    }

    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        await AuthorizeAsync(cancellationToken);
        var file = Existing(key);
        return new StorageReadResult(Item(key, file), file.OpenRead());
    }

    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        await AuthorizeAsync(cancellationToken);
        return Item(key, Existing(key));
    }

    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        await AuthorizeAsync(cancellationToken);
        var file = new FileInfo(PathOf(key));
        if (!file.Exists)
        {
            return false;
        }

        file.Delete();
        return true;
    }

    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await AuthorizeAsync(cancellationToken);
        if (!Directory.Exists(settings.BaseDir))
        {
            yield break;
        }

        var items = new DirectoryInfo(settings.BaseDir).EnumerateFiles("*.object")
            .Select(file => Item(KeyOf(file.Name), file))
            .Where(item => item.Key.StartsWith(options.Prefix, StringComparison.Ordinal))
            .Where(item => options.StartAfter is null || string.CompareOrdinal(item.Key, options.StartAfter) > 0)
            .OrderBy(item => item.Key, StringComparer.Ordinal);
        string? lastFolder = null;
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int slash = options.Recursive ? -1 : item.Key.IndexOf('/', options.Prefix.Length);
            if (slash < 0)
            {
                yield return StorageEntry.ForItem(item);
            }
            else if (item.Key[..(slash + 1)] is var folder && folder != lastFolder)
            {
                lastFolder = folder; // keys come in order, so one folder's keys are adjacent
                yield return StorageEntry.ForPrefix(folder);
            }
        }
    }

    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken) => new()
    {
        EngineType = EngineType,
        Platform = "any",
        IsConnected = true,
        Capabilities = Capabilities,
        Details = new Dictionary<string, string> { ["account"] = await WhoAmIAsync(http, _me, session, cancellationToken) },
    };

    protected override async ValueTask DisposeCoreAsync()
    {
        session.Dispose();
        http.Dispose();
        await base.DisposeCoreAsync();
    }

    private Task<string> AuthorizeAsync(CancellationToken cancellationToken) => WhoAmIAsync(http, _me, session, cancellationToken);

    private string PathOf(string key) =>
        Path.Combine(settings.BaseDir, Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).Replace('/', '_').Replace('+', '-') + ".object");

    private static string KeyOf(string fileName) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(fileName[..^".object".Length].Replace('_', '/').Replace('-', '+')));

    private FileInfo Existing(string key)
    {
        var file = new FileInfo(PathOf(key));
        return file.Exists ? file : throw new StorageException(StorageErrorCode.NotFound, $"No object is stored under '{key}'.") { Key = key };
    }

    private static StorageItem Item(string key, FileInfo file) => new()
    {
        Key = key,
        Size = file.Length,
        Created = file.CreationTimeUtc,
        Updated = file.LastWriteTimeUtc,
        ETag = file.LastWriteTimeUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
