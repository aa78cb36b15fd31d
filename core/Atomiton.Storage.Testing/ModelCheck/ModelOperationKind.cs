namespace Atomiton.Storage.Testing.ModelCheck;

/// <summary>The operations the model check generates.</summary>
internal enum ModelOperationKind
{
    Save,
    Delete,
    Load,
    LoadRange,
    Stat,
    Exists,
    List,
    Copy,
    Move,
}
