using FsCheck;
using FsCheck.Fluent;

namespace Atomiton.Storage.Testing.ModelCheck;

/// <summary>
/// Generates operation sequences the engine's declared capabilities allow, and shrinks them: FsCheck's
/// array shrinker drops operations, and each operation shrinks towards a plainer one.
/// </summary>
internal static class ModelGenerator
{
    public static Arbitrary<ModelOperation[]> Sequences(StorageCapabilities capabilities, StorageTraits traits)
    {
        bool shrinkToRecursive = capabilities.HasFlag(StorageCapabilities.RecursiveList);
        return Arb.Array(Arb.From(Operation(capabilities, traits), operation => Shrink(operation, shrinkToRecursive)));
    }

    private static Gen<ModelOperation> Operation(StorageCapabilities capabilities, StorageTraits traits)
    {
        bool Has(StorageCapabilities c) => (capabilities & c) == c;
        int keyCount = traits.HasFlag(StorageTraits.CaseInsensitiveKeys) ? ModelOperation.Keys.Length - 1 : ModelOperation.Keys.Length;
        var key = Gen.Choose(0, keyCount - 1);
        var conditions = new List<ModelCondition> { ModelCondition.None };
        if (Has(StorageCapabilities.CreateOnly))
        {
            conditions.Add(ModelCondition.IfNotExists);
        }

        if (Has(StorageCapabilities.ConditionalWrite))
        {
            conditions.Add(ModelCondition.IfMatchCurrent);
            conditions.Add(ModelCondition.IfMatchStale);
        }

        var condition = Gen.Elements(conditions.ToArray());
        var transferCondition = Gen.Elements(conditions.Where(c => c is ModelCondition.None or ModelCondition.IfNotExists).ToArray());

        var save = from k in key
                   from seed in Gen.Choose(0, 1000)
                   from length in Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 64)))
                   from c in condition
                   select new ModelOperation(ModelOperationKind.Save, k, seed, length, c);
        var simple = from kind in Gen.Elements(ModelOperationKind.Load, ModelOperationKind.Stat, ModelOperationKind.Exists)
                     from k in key
                     select new ModelOperation(kind, k);
        bool[] modes = [.. new[] { true, false }.Where(recursive => Has(recursive ? StorageCapabilities.RecursiveList : StorageCapabilities.ShallowList))];
        var list = from p in Gen.Choose(0, ModelOperation.Prefixes.Length - 1)
                   from recursive in Gen.Elements(modes)
                   select new ModelOperation(ModelOperationKind.List, p, Recursive: recursive);
        var copy = from k in key
                   from d in key
                   from c in transferCondition
                   select new ModelOperation(ModelOperationKind.Copy, k, d, 0, c);

        var choices = new List<(int, Gen<ModelOperation>)> { (6, save), (4, simple), (2, list), (2, copy) };
        if (Has(StorageCapabilities.Delete))
        {
            choices.Add((3, from k in key from c in condition.Where(c => c != ModelCondition.IfNotExists) select new ModelOperation(ModelOperationKind.Delete, k, Condition: c)));
            choices.Add((2, from k in key from d in key from c in transferCondition select new ModelOperation(ModelOperationKind.Move, k, d, 0, c)));
        }

        if (Has(StorageCapabilities.RangeRead))
        {
            choices.Add((1, from k in key from offset in Gen.Choose(0, 70) from length in Gen.Choose(0, 70) select new ModelOperation(ModelOperationKind.LoadRange, k, offset, length)));
        }

        return Gen.Frequency(choices);
    }

    private static IEnumerable<ModelOperation> Shrink(ModelOperation operation, bool shrinkToRecursive)
    {
        if (operation.Condition != ModelCondition.None)
        {
            yield return operation with { Condition = ModelCondition.None };
        }

        if (operation.Kind == ModelOperationKind.Save && operation.Length > 1)
        {
            yield return operation with { Length = 1 };
        }

        if (operation.Kind == ModelOperationKind.List && !operation.Recursive && shrinkToRecursive)
        {
            yield return operation with { Recursive = true };
        }
    }
}
