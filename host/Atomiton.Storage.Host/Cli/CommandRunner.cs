using System.CommandLine;
using System.Text.Json;

namespace Atomiton.Storage.Host.Cli;

/// <summary>
/// Runs a command's body with the shared error handling: any failure becomes one line on stderr
/// (what, which key or stage, what to do) and an exit code; stack traces only with <c>--verbose</c>.
/// </summary>
internal sealed class CommandRunner
{
    private readonly GlobalOptions _options;
    private readonly CliEnvironment _environment;

    public CommandRunner(GlobalOptions options, CliEnvironment environment)
    {
        _options = options;
        _environment = environment;
    }

    /// <summary>Sets <paramref name="body"/> as the action of <paramref name="command"/>.</summary>
    public void SetAction(Command command, Func<Invocation, CancellationToken, Task<int>> body) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, body, cancellationToken));

    private async Task<int> RunAsync(ParseResult parseResult, Func<Invocation, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        using var invocation = new Invocation(parseResult, _options, _environment);
        try
        {
            return await body(invocation, cancellationToken);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return Report(invocation, exception);
        }
    }

    private static int Report(Invocation invocation, Exception exception)
    {
        int exitCode = ErrorClassifier.ExitCodeOf(exception);
        string message = exception is OperationCanceledException ? "Cancelled; nothing further was done (an interrupted migrate resumes where it stopped when run again)." : Normalize(exception.Message);
        if (invocation.Json)
        {
            var error = new
            {
                error = new
                {
                    kind = ErrorClassifier.KindOf(exception),
                    exitCode,
                    message,
                    key = (exception as StorageException)?.Key,
                    provider = (exception as StorageException)?.Provider,
                    operation = (exception as StorageException)?.Operation,
                    detail = invocation.Verbose ? exception.ToString() : null,
                },
            };
            invocation.Error.WriteLine(JsonSerializer.Serialize(error, JsonOutput.Compact));
        }
        else
        {
            invocation.Error.WriteLine($"error: {message}");
            if (invocation.Verbose)
            {
                invocation.Error.WriteLine(exception.ToString());
            }
        }

        return exitCode;
    }

    // One line, except a configuration error listing several problems: one indented line per problem.
    private static string Normalize(string message) => message.ReplaceLineEndings("\n").TrimEnd();
}
