namespace Atomiton.Storage.Tests.Testing;

/// <summary>A wrapper that declares narrower key rules than its inner engine, as a drive does: StorageEngine refuses what they exclude with UnrepresentableKey.</summary>
internal sealed class DeclaredKeyRulesEngine(IStorageEngine inner, StorageKeyRules rules) : DelegatingStorageEngine(inner)
{
    /// <summary>Rules like a consumer drive's: short keys and names, Windows' forbidden characters and reserved names.</summary>
    public static StorageKeyRules DriveLike { get; } = new()
    {
        MaxKeyBytes = 400,
        MaxSegmentBytes = 120,
        ForbiddenCharacters = "\"*:<>?|",
        ForbiddenLeadingCharacters = " ",
        ForbiddenTrailingCharacters = " .",
        ReservedNames = ["CON", "PRN", "AUX", "NUL", "COM1", "LPT1"],
    };

    public override string EngineType => "declared-key-rules";

    public override StorageKeyRules KeyRules => rules;
}
