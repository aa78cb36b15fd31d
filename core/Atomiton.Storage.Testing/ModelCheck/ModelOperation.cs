namespace Atomiton.Storage.Testing.ModelCheck;

/// <summary>
/// One generated operation. Keys and prefixes are indexes into small pools, so that operations
/// collide on the same keys, nest under each other's prefixes and shrink to readable sequences.
/// </summary>
/// <param name="Kind">What to do.</param>
/// <param name="Key">The key (or, for listing, the prefix) index.</param>
/// <param name="Other">The destination key index of a copy or move; the content seed of a save; the range offset of a ranged load.</param>
/// <param name="Length">The content length of a save; the range length of a ranged load.</param>
/// <param name="Condition">The precondition of a save, delete, copy or move.</param>
/// <param name="Recursive">Whether a listing is recursive.</param>
internal sealed record ModelOperation(ModelOperationKind Kind, int Key, int Other = 0, int Length = 0, ModelCondition Condition = ModelCondition.None, bool Recursive = true)
{
    /// <summary>Keys that collide, nest ("a" and "a/b") and share string prefixes ("a/b" and "a/bc", "a-b").</summary>
    public static readonly string[] Keys = ["a", "b", "a/b", "a/bc", "a/b/c", "a-b", "b/x/y", "é/ü", "A"];

    /// <summary>Prefixes that are folders, plain string prefixes, missing or everything.</summary>
    public static readonly string[] Prefixes = ["", "a", "a/", "a/b", "a/b/", "b/", "zz/", "é"];

    public string KeyName => Keys[Key];

    public string OtherName => Keys[Other];

    public string PrefixName => Prefixes[Key];

    public override string ToString() => Kind switch
    {
        ModelOperationKind.Save => $"save '{KeyName}' {Length} bytes (seed {Other}){ConditionText}",
        ModelOperationKind.Delete => $"delete '{KeyName}'{ConditionText}",
        ModelOperationKind.LoadRange => $"load '{KeyName}' range [{Other}, +{Length})",
        ModelOperationKind.List => $"list '{PrefixName}' {(Recursive ? "recursive" : "shallow")}",
        ModelOperationKind.Copy or ModelOperationKind.Move => $"{Kind.ToString().ToLowerInvariant()} '{KeyName}' → '{OtherName}'{ConditionText}",
        _ => $"{Kind.ToString().ToLowerInvariant()} '{KeyName}'",
    };

    private string ConditionText => Condition switch
    {
        ModelCondition.IfNotExists => " if-not-exists",
        ModelCondition.IfMatchCurrent => " if-match current",
        ModelCondition.IfMatchStale => " if-match stale",
        _ => "",
    };
}
