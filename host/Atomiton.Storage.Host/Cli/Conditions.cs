namespace Atomiton.Storage.Host.Cli;

/// <summary>Turns <c>--if-not-exists</c> / <c>--if-match</c> into a <see cref="WriteCondition"/>.</summary>
internal static class Conditions
{
    public static WriteCondition From(bool ifNotExists, string? ifMatch)
    {
        if (ifNotExists && ifMatch is not null)
        {
            throw new CommandLineException(ExitCodes.Usage, "--if-not-exists and --if-match contradict each other; give one of them.");
        }

        return ifNotExists ? WriteCondition.IfNotExists
            : string.IsNullOrEmpty(ifMatch) ? WriteCondition.None
            : WriteCondition.IfMatch(ifMatch);
    }
}
