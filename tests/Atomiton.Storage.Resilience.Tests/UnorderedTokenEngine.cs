using System.Runtime.CompilerServices;
using System.Text;

namespace Atomiton.Storage.Resilience.Tests;

/// <summary>
/// A drive-like test engine over another: it lists in its own (seeded, non-ordinal) order and resumes only by
/// its opaque continuation tokens, never by <see cref="ListOptions.StartAfter"/>. Its first listing can break
/// with a transient error after a number of entries; with <paramref name="issueTokens"/> false it gives no tokens.
/// </summary>
internal sealed class UnorderedTokenEngine(IStorageEngine inner, uint seed, int? failAfter = null, bool issueTokens = true,
    StorageTraits extraTraits = StorageTraits.None, StorageKeyRules? keyRules = null) : DelegatingStorageEngine(inner)
{
    private int _listings;

    public int Listings => _listings;

    public override string EngineType => "unordered-token";

    public override StorageCapabilities Capabilities => Inner.Capabilities & ~(StorageCapabilities.OrderedList | StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove);

    public override StorageTraits Traits => StorageTraits.UnorderedListing | extraTraits;

    public override StorageKeyRules KeyRules => keyRules ?? StorageKeyRules.Default;

    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        bool fail = Interlocked.Increment(ref _listings) == 1 && failAfter is not null;
        var all = new List<StorageEntry>();
        await foreach (var entry in Inner.ListAsync(options with { ContinuationToken = null }, cancellationToken))
        {
            all.Add(entry);
        }

        // A test double may buffer: the point is the order and the tokens, not the memory.
        all.Sort((a, b) => Compare(a.Key, b.Key));
        string? resumeAfter = options.ContinuationToken is { } token ? Decode(token) : null;
        int yielded = 0;
        foreach (var entry in all)
        {
            if (resumeAfter is not null && Compare(entry.Key, resumeAfter) <= 0)
            {
                continue;
            }

            if (fail && yielded == failAfter)
            {
                throw new StorageException(StorageErrorCode.NetworkError, "connection reset while listing");
            }

            yielded++;
            yield return issueTokens ? entry with { ContinuationToken = Encode(entry.Key) } : entry;
        }
    }

    private int Compare(string a, string b)
    {
        int byHash = Hash(a).CompareTo(Hash(b));
        return byHash != 0 ? byHash : string.CompareOrdinal(a, b);
    }

    private uint Hash(string key)
    {
        uint hash = 2166136261u ^ seed;
        foreach (char c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private static string Encode(string key) => "tok." + Convert.ToBase64String(Encoding.UTF8.GetBytes(key));

    private static string Decode(string token) =>
        token.StartsWith("tok.", StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(token[4..]))
            : throw new StorageException(StorageErrorCode.InvalidArgument, $"Continuation token '{token}' was not issued by this engine.");
}
