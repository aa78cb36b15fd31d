namespace Atomiton.Storage.Cloud.Wire;

/// <summary>One page of a listing; <see cref="Next"/> is the <c>startAfter</c> cursor of the next page, null at the end.</summary>
internal sealed record WireListPage(IReadOnlyList<WireEntry> Entries, string? Next);
