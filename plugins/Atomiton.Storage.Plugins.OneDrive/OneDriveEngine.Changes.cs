using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Graph.Drives.Item.Items.Item.Delta;
using Microsoft.Graph.Models;

namespace Atomiton.Storage.Plugins.OneDrive;

public sealed partial class OneDriveEngine
{
    private const string CursorMark = "od1.";

    /// <summary>How many moves this engine remembers to report them as Moved (delta gives only the new place).</summary>
    private const int RememberedMoves = 10_000;

    private readonly ConcurrentDictionary<string, string> _moves = new(StringComparer.Ordinal);

    /// <summary>A cursor at "now": the base folder's <c>delta?token=latest</c> link, with the prefix it watches.</summary>
    protected override async ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        try
        {
            var builder = ItemById(_baseId).Delta;
            string url = builder.ToGetRequestInformation().URI.ToString();
            var answer = await builder.WithUrl(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "token=latest").GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken);
            string link = answer?.OdataDeltaLink ?? throw new StorageException(StorageErrorCode.SerializationError, "Graph's delta answered without an @odata.deltaLink.") { Provider = OneDriveProvider.TypeName };
            return Encode(prefix, link);
        }
        catch (Exception e) when (e is not OperationCanceledException and not StorageException)
        {
            throw OneDriveErrors.From(e, prefix, StorageOperation.ChangeCursor);
        }
    }

    /// <summary>
    /// One delta page: files created or changed (their latest state) and deleted, below the cursor's prefix;
    /// folders are left out. Graph reports a move as the item's new place: a move made through this engine is
    /// reported as Moved; one made elsewhere as an upsert of the new key only. 410 resyncRequired is CursorExpired.
    /// </summary>
    protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        var (prefix, link) = Decode(cursor);
        int top = Math.Clamp(options.PageSize ?? 200, 1, 1000);
        DeltaGetResponse? page;
        try
        {
            page = await ItemById(_baseId).Delta.WithUrl(WithTop(link, top)).GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not StorageException)
        {
            var error = OneDriveErrors.From(e, prefix, StorageOperation.ReadChanges);
            if (error.Code == StorageErrorCode.CursorExpired)
            {
                throw new StorageException(StorageErrorCode.CursorExpired, $"The change cursor is older than OneDrive's change history (410 resyncRequired): list the keys again and take a new cursor with GetChangeCursorAsync.", e)
                { Provider = OneDriveProvider.TypeName, Operation = StorageOperation.ReadChanges, Key = prefix, CursorTrust = ChangeCursorTrust.Trusted };
            }

            if (error.Code == StorageErrorCode.InvalidArgument)
            {
                throw new StorageException(StorageErrorCode.InvalidArgument, $"OneDrive refused the change cursor's delta token: {error.Message}", e)
                { Provider = OneDriveProvider.TypeName, Operation = StorageOperation.ReadChanges };
            }

            throw error;
        }

        var changes = new List<StorageChange>();
        foreach (var item in page?.Value ?? [])
        {
            if (item.Folder is not null || item.Root is not null || KeyOf(item) is not { } key)
            {
                continue;
            }

            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                // Moved out of the prefix through this engine: gone from the prefix's point of view.
                if (item.Id is { } movedId && _moves.TryGetValue(movedId, out var left) && left.StartsWith(prefix, StringComparison.Ordinal) && _moves.TryRemove(movedId, out _))
                {
                    changes.Add(new StorageChange(StorageChangeKind.Deleted, left));
                }

                continue;
            }

            if (item.Deleted is not null)
            {
                changes.Add(new StorageChange(StorageChangeKind.Deleted, key));
            }
            else if (item.Id is { } id && _moves.TryRemove(id, out var previous) && previous != key && previous.StartsWith(prefix, StringComparison.Ordinal))
            {
                changes.Add(new StorageChange(StorageChangeKind.Moved, key, ItemOf(item, key), previous));
            }
            else
            {
                changes.Add(new StorageChange(StorageChangeKind.Upserted, key, ItemOf(item, key)));
            }
        }

        string next = page?.OdataNextLink ?? page?.OdataDeltaLink
            ?? throw new StorageException(StorageErrorCode.SerializationError, "Graph's delta page has neither @odata.nextLink nor @odata.deltaLink.") { Provider = OneDriveProvider.TypeName };
        return new StorageChangePage { Changes = changes, Cursor = Encode(prefix, next), HasMore = page?.OdataNextLink is not null };
    }

    private void RememberMove(string id, string previousKey)
    {
        if (_moves.Count >= RememberedMoves)
        {
            _moves.Clear();
        }

        _moves[id] = previousKey;
    }

    private static string WithTop(string link, int top)
    {
        int query = link.IndexOf('?', StringComparison.Ordinal);
        var parts = query < 0 ? [] : link[(query + 1)..].Split('&').Where(p => !p.StartsWith("$top=", StringComparison.Ordinal) && !p.StartsWith("%24top=", StringComparison.Ordinal)).ToList();
        parts.Add("$top=" + top.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return (query < 0 ? link : link[..query]) + "?" + string.Join('&', parts);
    }

    private static string Encode(string prefix, string link) =>
        CursorMark + Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[] { prefix, link })).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private (string Prefix, string Link) Decode(string cursor)
    {
        try
        {
            if (cursor.StartsWith(CursorMark, StringComparison.Ordinal))
            {
                string body = cursor[CursorMark.Length..].Replace('-', '+').Replace('_', '/');
                body = body.PadRight(body.Length + ((4 - (body.Length % 4)) % 4), '=');
                var parts = JsonSerializer.Deserialize<string[]>(Encoding.UTF8.GetString(Convert.FromBase64String(body)));
                if (parts is [var prefix, var link] && Uri.TryCreate(link, UriKind.Absolute, out var uri)
                    && string.Equals(uri.Host, new Uri(_options.GraphBaseUrl).Host, StringComparison.OrdinalIgnoreCase))
                {
                    return (prefix, link);
                }
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            // Refused below.
        }

        throw new StorageException(StorageErrorCode.InvalidArgument, $"The change cursor '{(cursor.Length > 40 ? cursor[..40] + "…" : cursor)}' was not issued by this onedrive engine; take one with GetChangeCursorAsync.")
        { Provider = OneDriveProvider.TypeName, Operation = StorageOperation.ReadChanges };
    }
}
