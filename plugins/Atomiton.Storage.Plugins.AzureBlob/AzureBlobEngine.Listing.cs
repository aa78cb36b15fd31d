using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;

namespace Atomiton.Storage.Plugins.AzureBlob;

/// <summary>
/// Listing: the service lists blob names in its own lexicographic order, a page at a time, each page
/// resumable by the service's opaque marker. That order is not the contract's ordinal UTF-16 order for
/// every name (the service compares names differently from .NET beyond the Basic Multilingual Plane, and
/// offers no "start after a name"), so the engine declares <see cref="StorageTraits.UnorderedListing"/> and
/// resumes by continuation tokens: each entry's token names the marker of its page, how many entries of
/// that page were already given and the last one's name, so a listing resumes just after any entry.
/// </summary>
public sealed partial class AzureBlobEngine
{
    private const string TokenVersion = "az1";

    /// <summary>The service's largest page.</summary>
    private const int MaxPageSize = 5000;

    /// <inheritdoc />
    protected override bool HandlesContinuationTokens => true;

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int pageSize = Math.Clamp(options.PageSize ?? MaxPageSize, 1, MaxPageSize);
        var (marker, skip, lastName) = options.ContinuationToken is { } token ? ParseToken(token, options.Prefix) : (null, 0, null);
        var traits = options.KeysOnly ? BlobTraits.None : BlobTraits.Metadata;
        string? prefix = options.Prefix.Length == 0 ? null : options.Prefix;
        while (true)
        {
            var page = await NextPageAsync(options.Recursive, traits, prefix, marker, pageSize, cancellationToken);
            int start = Resume(page.Names, skip, lastName);
            for (int i = start; i < page.Entries.Count; i++)
            {
                yield return page.Entries[i] with { ContinuationToken = FormatToken(marker, i + 1, page.Names[i]) };
            }

            if (string.IsNullOrEmpty(page.Next))
            {
                yield break;
            }

            (marker, skip, lastName) = (page.Next, 0, null);
        }
    }

    /// <summary>Where to start in a page the listing resumes in: after the entry named by the token, found where it was or, if the page shifted, by name.</summary>
    private static int Resume(IReadOnlyList<string> names, int skip, string? lastName)
    {
        if (lastName is null)
        {
            return 0;
        }

        if (skip >= 1 && skip <= names.Count && names[skip - 1] == lastName)
        {
            return skip;
        }

        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == lastName)
            {
                return i + 1;
            }
        }

        // The entry is gone (deleted meanwhile): continue after as many entries as were given.
        return Math.Min(skip, names.Count);
    }

    private async ValueTask<ListPage> NextPageAsync(bool recursive, BlobTraits traits, string? prefix, string? marker, int pageSize, CancellationToken cancellationToken)
    {
        return await CallAsync(prefix, async () =>
        {
            var entries = new List<StorageEntry>(pageSize);
            var names = new List<string>(pageSize);
            if (recursive)
            {
                await foreach (Page<BlobItem> page in _container.GetBlobsAsync(new GetBlobsOptions { Traits = traits, Prefix = prefix }, cancellationToken).AsPages(marker, pageSize))
                {
                    foreach (var blob in page.Values)
                    {
                        entries.Add(EntryOf(blob, traits));
                        names.Add(blob.Name);
                    }

                    return new ListPage(entries, names, page.ContinuationToken);
                }
            }
            else
            {
                await foreach (Page<BlobHierarchyItem> page in _container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Traits = traits, Prefix = prefix, Delimiter = "/" }, cancellationToken).AsPages(marker, pageSize))
                {
                    foreach (var item in page.Values)
                    {
                        entries.Add(item.IsPrefix ? StorageEntry.ForPrefix(item.Prefix) : EntryOf(item.Blob, traits));
                        names.Add(item.IsPrefix ? item.Prefix : item.Blob.Name);
                    }

                    return new ListPage(entries, names, page.ContinuationToken);
                }
            }

            return new ListPage(entries, names, null);
        });
    }

    private static StorageEntry EntryOf(BlobItem blob, BlobTraits traits)
    {
        if (traits == BlobTraits.None)
        {
            return StorageEntry.ForKey(blob.Name);
        }

        var p = blob.Properties;
        return StorageEntry.ForItem(ItemOf(blob.Name, p.ContentLength ?? 0, p.CreatedOn ?? default, p.LastModified ?? default, p.ETag ?? default, p.ContentType, blob.Metadata, p.ContentHash));
    }

    private static string FormatToken(string? marker, int given, string lastName) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{TokenVersion}\n{given}\n{lastName}\n{marker}")));

    private (string? Marker, int Skip, string? LastName) ParseToken(string token, string prefix)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n', 4);
            if (parts.Length == 4 && parts[0] == TokenVersion && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int given))
            {
                return (parts[3].Length == 0 ? null : parts[3], given, parts[2]);
            }
        }
        catch (FormatException)
        {
            // Falls through to the refusal below.
        }

        throw new StorageException(StorageErrorCode.InvalidArgument,
            $"Continuation token '{token}' was not issued by the '{EngineType}' engine. Pass the ContinuationToken of the last entry received from a listing with the same options.")
        { Provider = EngineType, Operation = StorageOperation.List, Key = prefix };
    }

    private sealed record ListPage(IReadOnlyList<StorageEntry> Entries, IReadOnlyList<string> Names, string? Next);
}
