using System.CommandLine;
using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary>
/// <c>rotate-keys</c>: re-encrypts every object of the pipeline's encrypted stage that is still under
/// an older key with the active key. Each object is replaced only if unchanged since it was read, so
/// an interrupted run loses nothing; running it again continues where it stopped.
/// </summary>
internal static class RotateKeysCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("rotate-keys", "Re-encrypt the objects of the pipeline's encrypted stage that are still under an older key (resumable; nothing is lost if interrupted).");
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            string pipeline = invocation.Source.ResolveName(invocation.Pipeline);
            await using var engine = await invocation.OpenPipelineAsync(cancellationToken);
            var encrypted = FindEncryptedStage(engine) ?? throw new CommandLineException(ExitCodes.Configuration,
                $"Pipeline '{pipeline}' has no encrypted stage, so there are no keys to rotate. Name a pipeline whose chain holds an 'encrypted' stage with --pipeline.");

            // Reported on the rotating thread, not posted to the thread pool as Progress<T> does, so every
            // step is printed, in order, before the summary (and before the process exits).
            var progress = new StepReporter(step =>
            {
                if (invocation.Verbose && !invocation.Json)
                {
                    invocation.Note($"examined {step.Examined}, rotated {step.Rotated}");
                }
            });
            var result = await encrypted.RotateAsync(progress, cancellationToken);
            if (invocation.Json)
            {
                invocation.WriteJson(new { pipeline, result });
                return ExitCodes.Success;
            }

            invocation.Out.WriteLine($"pipeline '{pipeline}': examined {result.Examined}, re-encrypted {result.Rotated}, already under the active key {result.AlreadyCurrent}, skipped {result.Skipped} (rewritten by someone else meanwhile, so already under the active key)");
            return ExitCodes.Success;
        });
        return command;
    }

    private static EncryptedEngine? FindEncryptedStage(IStorageEngine engine)
    {
        for (IStorageEngine? stage = engine; stage is not null; stage = (stage as DelegatingStorageEngine)?.Inner)
        {
            if (stage is EncryptedEngine encrypted)
            {
                return encrypted;
            }
        }

        return null;
    }

    private sealed class StepReporter(Action<KeyRotationResult> report) : IProgress<KeyRotationResult>
    {
        public void Report(KeyRotationResult value) => report(value);
    }
}
