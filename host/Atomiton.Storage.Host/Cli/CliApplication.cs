using System.CommandLine;
using System.CommandLine.Parsing;

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
        var unknownOptions = UnknownOptions.Find(parseResult);
        if (UnknownCommand.Find(parseResult) is { } unknownCommand)
        {
            // The parser would first say "Required command was not provided", which hides the cause.
            environment.Error.WriteLine($"error: {unknownCommand}");
            environment.Error.WriteLine($"Run 'atomiton-storage{CommandPath(parseResult.CommandResult)} --help' for usage.");
            return ExitCodes.Usage;
        }

        if (parseResult.Errors.Count > 0 || unknownOptions.Count > 0)
        {
            foreach (var (_, message) in unknownOptions)
            {
                environment.Error.WriteLine($"error: {message}");
            }

            // The parser's own complaint about the same word ("Unrecognized command or argument") says less.
            foreach (var error in parseResult.Errors.Where(e => !UnknownOptions.Mentions(e.Message, unknownOptions)))
            {
                environment.Error.WriteLine($"error: {error.Message}");
            }

            environment.Error.WriteLine($"Run 'atomiton-storage{CommandPath(parseResult.CommandResult)} --help' for usage.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = environment.Out, Error = environment.Error };
        if (!environment.HandlesTermination || TerminationSignal.RunsUntilStopped(parseResult.CommandResult))
        {
            configuration.ProcessTerminationTimeout = null;
        }

        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }

    // " cloud keys create" for a nested command: the words that reach it, so the hint runs as printed.
    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? result = command; result is CommandResult { Parent: not null } nested; result = nested.Parent)
        {
            names.Insert(0, nested.Command.Name);
        }

        return string.Concat(names.Select(name => " " + name));
    }
}
