namespace Atomiton.Storage.Cloud.Wire;

/// <summary>
/// One page of a listing. <see cref="Next"/> is the <c>startAfter</c> of the next page, null at the end.
/// A server whose storage lists in no key order also gives <see cref="NextToken"/> (the <c>continuationToken</c>
/// of the next page: a sealed, opaque token, the same value as <see cref="Next"/>) and a token on every entry.
/// </summary>
internal sealed record WireListPage(IReadOnlyList<WireEntry> Entries, string? Next, string? NextToken = null);
