using System.Runtime.CompilerServices;
using System.Text;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>
/// A drive-like wrapper over an ordered engine: listings come in pages shuffled deterministically (so not in
/// ordinal order), resumable only by the opaque continuation tokens it issues; StartAfter is not offered. It
/// also deletes in batches of <see cref="BatchSize"/>. An honest engine of the base listing contract: the kit must pass it.
/// </summary>
internal sealed class UnorderedTokenEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
{
    public const int BatchSize = 4;
    private const int DefaultPageSize = 7;
    private const string TokenVersion = "unordered-v1";

    public override string EngineType => "unordered-token";

    public override StorageCapabilities Capabilities =>
        (base.Capabilities & ~StorageCapabilities.OrderedList) | StorageCapabilities.BatchDelete;

    public override StorageTraits Traits => Inner.Traits | StorageTraits.UnorderedListing;

    /// <summary>Every page is listed from the inner engine, shuffled, and numbered; a token names a page and a position in it.</summary>
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int pageSize = options.PageSize ?? DefaultPageSize;
        string? after = null;
        int skip = 0;
        if (options.ContinuationToken is { } token)
        {
            (after, pageSize, skip) = Decode(token, options);
        }

        while (true)
        {
            var page = new List<StorageEntry>(pageSize);
            await foreach (var entry in Inner.ListAsync(options with { StartAfter = after, ContinuationToken = null, PageSize = pageSize }, cancellationToken))
            {
                page.Add(entry);
                if (page.Count == pageSize)
                {
                    break;
                }
            }

            if (page.Count == 0)
            {
                yield break;
            }

            string last = page[^1].Key;
            Shuffle(page, after);
            for (int i = skip; i < page.Count; i++)
            {
                yield return page[i] with { ContinuationToken = Encode(options, after, pageSize, i + 1) };
            }

            if (page.Count < pageSize)
            {
                yield break;
            }

            after = last;
            skip = 0;
        }
    }

    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var results = new List<StorageDeleteResult>(keys.Count);
        foreach (var batch in keys.Chunk(BatchSize))
        {
            results.AddRange(await Inner.DeleteManyAsync(batch, cancellationToken));
        }

        return results;
    }

    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var info = await base.GetInfoCoreAsync(cancellationToken);
        return info with { Limits = info.Limits with { MaxDeleteBatch = BatchSize } };
    }

    private static void Shuffle(List<StorageEntry> page, string? after)
    {
        int seed = 17;
        foreach (char c in after ?? string.Empty)
        {
            seed = unchecked((seed * 31) + c);
        }

        var random = new Random(seed);
        for (int i = page.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (page[i], page[j]) = (page[j], page[i]);
        }

        if (page.Count > 1 && IsOrdinal(page))
        {
            page.Reverse();
        }
    }

    private static bool IsOrdinal(List<StorageEntry> page)
    {
        for (int i = 1; i < page.Count; i++)
        {
            if (string.CompareOrdinal(page[i - 1].Key, page[i].Key) > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static string Encode(ListOptions options, string? after, int pageSize, int position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('\n', TokenVersion, options.Prefix, options.Recursive ? "r" : "s", after is null ? "-" : "+" + after, pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), position.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private (string? After, int PageSize, int Skip) Decode(string token, ListOptions options)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n');
        }
        catch (FormatException)
        {
            parts = [];
        }

        if (parts.Length != 6 || parts[0] != TokenVersion || parts[1] != options.Prefix || parts[2] != (options.Recursive ? "r" : "s")
            || !int.TryParse(parts[4], System.Globalization.CultureInfo.InvariantCulture, out int pageSize) || !int.TryParse(parts[5], System.Globalization.CultureInfo.InvariantCulture, out int position))
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"Continuation token '{token}' was not issued by the '{EngineType}' engine for this listing. Pass the ContinuationToken of an entry of the same listing.")
            { Provider = EngineType, Operation = "list", Key = options.Prefix };
        }

        return (parts[3] == "-" ? null : parts[3][1..], pageSize, position);
    }
}
