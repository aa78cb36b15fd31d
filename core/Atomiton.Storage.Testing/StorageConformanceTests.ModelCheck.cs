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
    [Fact]
    public async Task Random_operation_sequences_match_a_dictionary_model()
    {
        ulong seed = ModelCheckSeed ?? (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        var sequences = ModelGenerator.Sequences(Engine.Capabilities, Engine.Traits);
        var property = Prop.ForAll(sequences, async operations =>
        {
            var engine = await CreateEngineAsync();
            try
            {
                await new ModelRunner(engine).RunAsync(operations);
            }
            finally
            {
                await engine.DisposeAsync();
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
