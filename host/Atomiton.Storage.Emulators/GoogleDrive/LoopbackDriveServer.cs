using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>
/// A Google Drive v3 server on <c>http://127.0.0.1:&lt;port&gt;/</c>, written from Google's published
/// API reference: files.create/get/list/update/delete/copy, generateIds and emptyTrash; uploads
/// (media, multipart, resumable with 308 and <c>Range</c>); <c>alt=media</c> with <c>Range</c>;
/// about; changes.getStartPageToken and changes.list; <c>fields</c>, page tokens, the
/// <c>appDataFolder</c> and <c>root</c> aliases, the <c>q</c> subset of <see cref="DriveQuery"/>, and
/// Drive's error JSON and reasons. Request bodies may be gzip-encoded or chunked. Content lives in
/// files of <see cref="LoopbackDriveServerOptions.DataDirectory"/>, never in memory. Scripted
/// <see cref="Faults"/> and the <see cref="Requests"/> log serve tests and benchmarks. Thread-safe.
/// </summary>
public sealed class LoopbackDriveServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DriveState _state;
    private readonly bool _ownsDirectory;

    private LoopbackDriveServer(WebApplication app, DriveState state, bool ownsDirectory, Uri address, DriveFaults faults, DriveRequestLog requests)
    {
        _app = app;
        _state = state;
        _ownsDirectory = ownsDirectory;
        Address = address;
        Faults = faults;
        Requests = requests;
    }

    /// <summary>The base address, such as <c>http://127.0.0.1:49152/</c>; the API is under <c>drive/v3/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The metadata API's base, <c>{Address}drive/v3/</c> (what a client's base URI option takes).</summary>
    public Uri ApiBase => new(Address, "drive/v3/");

    /// <summary>Faults to apply to the next requests.</summary>
    public DriveFaults Faults { get; }

    /// <summary>Every request answered.</summary>
    public DriveRequestLog Requests { get; }

    /// <summary>The options the server runs with (the quota may be changed while it runs).</summary>
    public LoopbackDriveServerOptions Options => _state.Options;

    /// <summary>How many files (not folders) the drive holds, in every space.</summary>
    public int FileCount
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.Files.Values.Count(f => !f.IsFolder);
            }
        }
    }

    /// <summary>How many resumable upload sessions are open (neither complete nor expired).</summary>
    public int OpenUploadSessions
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.Sessions.Values.Count(s => s.CompletedFileId is null);
            }
        }
    }

    /// <summary>The names of the files in a space (<c>appDataFolder</c> or <c>drive</c>), with duplicates, sorted ordinally.</summary>
    public IReadOnlyList<string> FileNames(string space = "appDataFolder")
    {
        lock (_state.Gate)
        {
            return [.. _state.Files.Values.Where(f => !f.IsFolder && f.Space == space).Select(f => f.Name).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Starts the server on loopback.</summary>
    public static async Task<LoopbackDriveServer> StartAsync(LoopbackDriveServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LoopbackDriveServerOptions();
        bool ownsDirectory = options.DataDirectory is null;
        string directory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "atomiton-gdrive-emulator", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        // No watch on an appsettings.json in the working folder: each watch is an inotify instance (128 per user by default).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, options.Port);
        });
        var app = builder.Build();
        var state = new DriveState(options, directory);
        var faults = new DriveFaults();
        var requests = new DriveRequestLog();
        var api = new DriveApi(state, faults, requests);
        app.Run(api.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Urls.Single().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return new LoopbackDriveServer(app, state, ownsDirectory, address, faults, requests);
    }

    /// <summary>Stops the server and deletes its temporary content folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(_state.Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
