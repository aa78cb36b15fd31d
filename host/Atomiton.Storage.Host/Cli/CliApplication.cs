using System.CommandLine;

namespace Atomiton.Storage.Host.Cli;

/// <summary>One run of <c>atomiton-storage</c>: parses the arguments, reports usage errors, runs the command.</summary>
internal static class CliApplication
{
    /// <summary>Runs the command line <paramref name="args"/> in <paramref name="environment"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var root = RootCommandFactory.Create(environment);
        // No arguments at all: show what the tool can do rather than a usage error.
        var parseResult = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                environment.Error.WriteLine($"error: {error.Message}");
            }

            string command = parseResult.CommandResult.Command == root ? "" : " " + parseResult.CommandResult.Command.Name;
            environment.Error.WriteLine($"Run 'atomiton-storage{command} --help' for usage.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = environment.Out, Error = environment.Error };
        if (!environment.HandlesTermination)
        {
            configuration.ProcessTerminationTimeout = null;
        }

        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }
}
