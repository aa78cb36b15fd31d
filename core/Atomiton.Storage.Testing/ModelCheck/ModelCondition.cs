namespace Atomiton.Storage.Testing.ModelCheck;

/// <summary>The precondition of a generated write, resolved against the model when it runs.</summary>
internal enum ModelCondition
{
    None,

    /// <summary>Create only.</summary>
    IfNotExists,

    /// <summary>If-match with the key's current ETag (a made-up one when the key is absent).</summary>
    IfMatchCurrent,

    /// <summary>If-match with an ETag the key no longer has.</summary>
    IfMatchStale,
}
