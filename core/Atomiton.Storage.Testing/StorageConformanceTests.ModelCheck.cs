using Atomiton.Storage.Testing.ModelCheck;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Atomiton.Storage.Testing;

// Catalogue 52: the model check.
public abstract partial class StorageConformanceTests
{
    /// <summary>
    /// Catalogue 52: random sequences of save, overwrite, conditional save, delete, load, ranged load,
    /// stat, exists, list, copy and move give the same results on the engine (a fresh one per
    /// sequence) as on a plain dictionary model. Seeded and reproducible: a failure prints the seed
    /// (replay it with <see cref="ModelCheckSeed"/>) and the sequence FsCheck shrank it to.
    /// </summary>
    /// <remarks>
    /// Skipped where the model cannot apply: engines whose key rules cannot store the model's keys (or do not let
    /// <c>a</c> and <c>a/b</c> coexist), eventually consistent engines (the model expects every read to see the last
    /// write) and engines with duplicate names.
    /// </remarks>
    [SkippableFact]
    public async Task Random_operation_sequences_match_a_dictionary_model()
    {
        var rules = Engine.KeyRules;
        var refused = ModelOperation.Keys.Where(key => rules.Explain(key) is not null).ToList();
        Skip.If(refused.Count > 0, $"{Engine.EngineType}'s key rules cannot store the model's keys {string.Join(", ", refused)}.");
        Skip.IfNot(rules.ObjectAndFolderMayShareName, $"{Engine.EngineType}'s key rules do not let an object and a folder share a name, and the model saves 'a' beside 'a/b' (checked by A_key_and_keys_under_it_are_independent_objects).");
        SkipIf(StorageTraits.EventuallyConsistent, "the model expects every read and listing to see the last write at once");
        SkipIf(StorageTraits.DuplicateNames, "the model holds one object per key");

        ulong seed = ModelCheckSeed ?? (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        var sequences = ModelGenerator.Sequences(Engine.Capabilities, Engine.Traits);
        var property = Prop.ForAll(sequences, async operations =>
        {
            var (created, engine, _) = await CreateCaseEngineAsync();
            try
            {
                await new ModelRunner(engine).RunAsync(operations);
            }
            finally
            {
                await DisposeCaseEngineAsync(created, engine);
            }
        });
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(ModelCheckRuns)
            .WithEndSize(ModelCheckOperations)
            .WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed), FSharpOption<int>.None)));

        try
        {
            // FsCheck waits for asynchronous properties by blocking; run it off xunit's synchronization context.
            await Task.Run(() => Check.One(config, property));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var message = $"The model check failed with seed {seed}; override ModelCheckSeed => {seed}UL to replay it.{Environment.NewLine}{e.Message}";
            Log(message);
            Assert.Fail(message);
        }
    }
}
