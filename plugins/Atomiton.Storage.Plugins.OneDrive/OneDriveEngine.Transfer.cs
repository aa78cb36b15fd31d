using System.Net;
using System.Text.Json;
using Microsoft.Graph;
using Microsoft.Graph.Drives.Item.Items.Item.Copy;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Atomiton.Storage.Plugins.OneDrive;

public sealed partial class OneDriveEngine
{
    /// <summary>The longest a copy's monitor is followed before the copy counts as failed.</summary>
    private static readonly TimeSpan CopyPatience = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Copies on the service (<c>POST …/copy</c>, then the monitor until it reports completed). Create-only is
    /// <c>conflictBehavior=fail</c>; If-Match on the destination is checked just before (Graph's copy takes no
    /// condition on the destination, so a write racing that window is replaced).
    /// </summary>
    protected override async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var (source, parentId, name) = await PrepareTransferAsync(sourceKey, destinationKey, condition, StorageOperation.Copy, cancellationToken);
        try
        {
            var builder = ItemById(source.Id!).Copy;
            string url = builder.ToPostRequestInformation(new CopyPostRequestBody()).URI.ToString()
                + "?@microsoft.graph.conflictBehavior=" + (condition.Kind == WriteConditionKind.IfNotExists ? "fail" : "replace");
            var body = new CopyPostRequestBody { ParentReference = new ItemReference { DriveId = _driveId, Id = parentId }, Name = name };
            var request = builder.WithUrl(url).ToPostRequestInformation(body);
            var nativeResponseHandler = new Microsoft.Kiota.Abstractions.NativeResponseHandler();
            request.SetResponseHandler(nativeResponseHandler);
            await _graph.RequestAdapter.SendNoContentAsync(request, ErrorMapping, cancellationToken);
            using var accepted = (HttpResponseMessage)nativeResponseHandler.Value!;
            if (accepted.StatusCode != HttpStatusCode.Accepted || accepted.Headers.Location is not { } monitor)
            {
                throw OneDriveErrors.FromStatus((int)accepted.StatusCode, null, "the copy was not accepted", sourceKey, StorageOperation.Copy);
            }

            string resourceId = await FollowCopyAsync(monitor, sourceKey, destinationKey, condition, cancellationToken);
            var copied = await ItemById(resourceId).GetAsync(cancellationToken: cancellationToken);
            return ItemOf(copied!);
        }
        catch (Exception e) when (e is not OperationCanceledException and not StorageException)
        {
            throw OneDriveErrors.From(e, sourceKey, StorageOperation.Copy);
        }
    }

    /// <summary>Moves on the service (<c>PATCH</c> of the source's parent and name); create-only is <c>conflictBehavior=fail</c>.</summary>
    protected override async ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var (source, parentId, name) = await PrepareTransferAsync(sourceKey, destinationKey, condition, StorageOperation.Move, cancellationToken);
        DriveItem moved;
        try
        {
            var builder = ItemById(source.Id!);
            string url = builder.ToPatchRequestInformation(new DriveItem()).URI.ToString()
                + "?@microsoft.graph.conflictBehavior=" + (condition.Kind == WriteConditionKind.IfNotExists ? "fail" : "replace");
            moved = (await builder.WithUrl(url).PatchAsync(new DriveItem { ParentReference = new ItemReference { Id = parentId }, Name = name }, cancellationToken: cancellationToken))!;
        }
        catch (ODataError e) when (e.ResponseStatusCode == 409)
        {
            throw StorageException.AlreadyExists(destinationKey, OneDriveProvider.TypeName, StorageOperation.Move);
        }
        catch (Exception e) when (e is not OperationCanceledException and not StorageException)
        {
            throw OneDriveErrors.From(e, sourceKey, StorageOperation.Move);
        }

        RememberMove(moved.Id!, sourceKey);
        await RemoveEmptyFoldersAsync([sourceKey], cancellationToken);
        return ItemOf(moved);
    }

    private async ValueTask<(DriveItem Source, string ParentId, string Name)> PrepareTransferAsync(string sourceKey, string destinationKey, WriteCondition condition, string operation, CancellationToken cancellationToken)
    {
        if (string.Equals(sourceKey, destinationKey, StringComparison.OrdinalIgnoreCase))
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"'{destinationKey}' names the same OneDrive item as '{sourceKey}' (OneDrive folds case): a {operation} onto itself changes nothing.")
            { Key = sourceKey, Provider = OneDriveProvider.TypeName, Operation = operation };
        }

        _names.UrlPathOf(destinationKey); // refuses a destination OneDrive cannot store
        var source = await FindFileAsync(sourceKey, operation, cancellationToken) ?? throw StorageException.NotFound(sourceKey, OneDriveProvider.TypeName, operation);
        if (condition.Kind != WriteConditionKind.None)
        {
            var current = await FindFileAsync(destinationKey, operation, cancellationToken);
            if (condition.Kind == WriteConditionKind.IfNotExists && current is not null)
            {
                throw StorageException.AlreadyExists(destinationKey, OneDriveProvider.TypeName, operation);
            }

            if (condition.Kind == WriteConditionKind.IfMatch && current?.ETag != condition.ETag)
            {
                throw StorageException.ETagMismatch(destinationKey, condition.ETag!, OneDriveProvider.TypeName, operation);
            }
        }

        int slash = destinationKey.LastIndexOf(StorageKey.Separator);
        string parentId = slash < 0 ? _baseId : await EnsureFolderAsync(destinationKey[..slash], destinationKey, cancellationToken);
        string name = _names.NameOf(destinationKey[(slash + 1)..], destinationKey);
        if (await FolderIdAsync(destinationKey, cancellationToken) is not null)
        {
            throw StorageException.Unrepresentable(destinationKey, "OneDrive holds a folder of that name (a file and a folder cannot share a name there)", OneDriveProvider.TypeName, operation);
        }

        return (source, parentId, name);
    }

    /// <summary>The id of the folder for <paramref name="folderKey"/>, creating what is missing level by level.</summary>
    private async ValueTask<string> EnsureFolderAsync(string folderKey, string key, CancellationToken cancellationToken)
    {
        if (await FolderIdAsync(folderKey, cancellationToken) is { } existing)
        {
            return existing;
        }

        int slash = folderKey.LastIndexOf(StorageKey.Separator);
        string parentId = slash < 0 ? _baseId : await EnsureFolderAsync(folderKey[..slash], key, cancellationToken);
        try
        {
            return (await CreateOrGetFolderAsync(_graph, _driveId, parentId, _names.NameOf(folderKey[(slash + 1)..], key), cancellationToken)).Id!;
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.UnrepresentableKey)
        {
            throw StorageException.Unrepresentable(key, $"OneDrive holds a file where the key needs the folder '{folderKey}/'", OneDriveProvider.TypeName);
        }
    }

    /// <summary>Polls a copy's monitor (pre-authenticated, no token) until it completes; the copy's failure becomes the matching error.</summary>
    private async Task<string> FollowCopyAsync(Uri monitor, string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var time = _context.TimeProvider;
        long started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            using var response = await _contentHttp.GetAsync(monitor, cancellationToken);
            using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = status.RootElement;
            string state = root.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "";
            if (state == "completed" && root.TryGetProperty("resourceId", out var id) && id.GetString() is { } resourceId)
            {
                return resourceId;
            }

            if (state == "failed" || !response.IsSuccessStatusCode)
            {
                string? code = root.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var c) ? c.GetString() : null;
                string? message = root.TryGetProperty("error", out var e2) && e2.TryGetProperty("message", out var m) ? m.GetString() : null;
                if (code == "nameAlreadyExists")
                {
                    throw condition.Kind == WriteConditionKind.IfNotExists
                        ? StorageException.AlreadyExists(destinationKey, OneDriveProvider.TypeName, StorageOperation.Copy)
                        : StorageException.Unrepresentable(destinationKey, "OneDrive holds a folder of that name", OneDriveProvider.TypeName, StorageOperation.Copy);
                }

                throw OneDriveErrors.FromStatus(response.IsSuccessStatusCode ? 500 : (int)response.StatusCode, code, message ?? "the copy failed", sourceKey, StorageOperation.Copy);
            }

            if (time.GetElapsedTime(started) > CopyPatience)
            {
                throw new StorageException(StorageErrorCode.Timeout, $"OneDrive's copy of '{sourceKey}' to '{destinationKey}' did not complete within {CopyPatience.TotalMinutes} minutes; it may still finish on the service.")
                { Key = sourceKey, Provider = OneDriveProvider.TypeName, Operation = StorageOperation.Copy, IsTransient = true };
            }

            await Task.Delay(delay, time, cancellationToken);
            delay = delay * 2 > TimeSpan.FromSeconds(2) ? TimeSpan.FromSeconds(2) : delay * 2;
        }
    }

    private static readonly Dictionary<string, Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<Microsoft.Kiota.Abstractions.Serialization.IParsable>> ErrorMapping = new()
    {
        ["XXX"] = ODataError.CreateFromDiscriminatorValue,
    };
}
