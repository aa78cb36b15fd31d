namespace Atomiton.Storage.Host.Cli;

/// <summary>
/// A failure detected by the command line itself (an unknown pipeline, a missing input file, a
/// bad argument), carrying the exit code to return. Its message is the one line the user sees.
/// </summary>
internal sealed class CommandLineException : Exception
{
    public CommandLineException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public CommandLineException()
        : this(ExitCodes.Other, "The command failed.")
    {
    }

    public CommandLineException(string message)
        : this(ExitCodes.Other, message)
    {
    }

    public CommandLineException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Other;
    }

    /// <summary>The process exit code, one of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; }
}
