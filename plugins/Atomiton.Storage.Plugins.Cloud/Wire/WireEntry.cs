namespace Atomiton.Storage.Cloud.Wire;

/// <summary>
/// One listing entry: an object (with its item) or a common prefix (item null). <see cref="Token"/> is the
/// sealed continuation token that resumes the listing just after this entry, given only by servers whose
/// storage lists in no key order (the others resume after the key).
/// </summary>
internal sealed record WireEntry(string Key, WireItem? Item, string? Token = null);
