namespace Atomiton.Storage.Resilience;

/// <summary>
/// What a stage that serves calls from several members (failover, mirror) declares: abilities
/// combined with AND (it can do what every member can), restrictions combined with OR (it is
/// restricted wherever any member is) and the most restrictive key rules, so a key the stage
/// accepts can be stored on every member. The change feed is dropped: each member has its own
/// cursors, and a cursor from one means nothing to another.
/// </summary>
internal static class MemberComposition
{
    /// <summary>The abilities every member has, less the change feed.</summary>
    public static StorageCapabilities Capabilities(IEnumerable<IStorageEngine> members) =>
        members.Aggregate((StorageCapabilities)~0L, (all, member) => all & member.Capabilities)
        & ~(StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait);

    /// <summary>The restrictions of any member, plus unordered listing when the combined abilities lack ordered listing.</summary>
    public static StorageTraits Traits(IEnumerable<IStorageEngine> members, StorageCapabilities combined) =>
        members.Aggregate(StorageTraits.None, (all, member) => all | member.Traits | (member.KeyRules.CaseInsensitive ? StorageTraits.CaseInsensitiveKeys : StorageTraits.None))
        | (combined.HasFlag(StorageCapabilities.List) && !combined.HasFlag(StorageCapabilities.OrderedList) ? StorageTraits.UnorderedListing : StorageTraits.None);

    /// <summary>
    /// The most restrictive combination of the members' key rules: the smallest lengths, case-insensitive
    /// if any member is, case-preserving only if all are, the union of forbidden characters and reserved
    /// names, and objects and folders sharing a name only where every member allows it.
    /// </summary>
    public static StorageKeyRules KeyRules(IEnumerable<IStorageEngine> members)
    {
        var rules = members.Select(member => member.KeyRules).ToList();
        if (rules.All(rule => rule.AcceptsEveryValidKey))
        {
            return StorageKeyRules.Default;
        }

        var normalizations = rules.Select(rule => rule.UnicodeNormalization).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return new StorageKeyRules
        {
            MaxKeyBytes = rules.Min(rule => rule.MaxKeyBytes),
            MaxSegmentBytes = rules.Min(rule => rule.MaxSegmentBytes),
            CaseInsensitive = rules.Any(rule => rule.CaseInsensitive),
            PreservesCase = rules.All(rule => rule.PreservesCase),
            UnicodeNormalization = normalizations.Count == 0 ? null : string.Join("+", normalizations),
            ObjectAndFolderMayShareName = rules.All(rule => rule.ObjectAndFolderMayShareName),
            ForbiddenCharacters = Union(rules.Select(rule => rule.ForbiddenCharacters)),
            ForbiddenLeadingCharacters = Union(rules.Select(rule => rule.ForbiddenLeadingCharacters)),
            ForbiddenTrailingCharacters = Union(rules.Select(rule => rule.ForbiddenTrailingCharacters)),
            ReservedNames = [.. rules.SelectMany(rule => rule.ReservedNames).Distinct(StringComparer.OrdinalIgnoreCase)],
        };
    }

    /// <summary>
    /// A continuation token of an unordered stage listing: the member that issued it, then that member's own
    /// resume point. A member's token means nothing to another member, so a resumed listing goes back to it.
    /// </summary>
    public static string WrapToken(int member, StorageEntry entry) =>
        member.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + entry.ResumePoint;

    /// <summary>The member and its own token from <see cref="WrapToken"/>.</summary>
    /// <exception cref="StorageException">InvalidArgument: the token was not issued by this stage.</exception>
    public static (int Member, string Token) UnwrapToken(string token, int memberCount, string stage)
    {
        int colon = token.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0
            && int.TryParse(token.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int member)
            && member < memberCount
            && colon < token.Length - 1)
        {
            return (member, token[(colon + 1)..]);
        }

        throw new StorageException(StorageErrorCode.InvalidArgument, $"Continuation token '{token}' was not issued by this {stage} stage. Pass the ContinuationToken of the last entry this stage listed, with the same options.")
        { Provider = stage, Operation = StorageOperation.List };
    }

    private static string Union(IEnumerable<string> characters) => string.Concat(characters.SelectMany(text => text).Distinct());
}
