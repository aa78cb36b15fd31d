using System.CommandLine;
using Quickenshtein;

namespace Atomiton.Storage.Host.Cli;

/// <summary>
/// Names a word that is none of a command group's commands (<c>atomiton-storage frobnicate</c>),
/// where the parser's first complaint would be "Required command was not provided".
/// </summary>
internal static class UnknownCommand
{
    /// <summary>The one-line error, or null when the command line names a command (or gives no word where one is expected).</summary>
    public static string? Find(ParseResult parseResult)
    {
        var group = parseResult.CommandResult.Command;
        if (group.Subcommands.Count == 0 || group.Action is not null)
        {
            return null;
        }

        string? word = parseResult.UnmatchedTokens.FirstOrDefault(token => !token.StartsWith('-'));
        if (word is null)
        {
            return null;
        }

        var names = group.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        string? closest = names
            .Select(name => (Name: name, Distance: Levenshtein.GetDistance(word, name)))
            .Where(candidate => candidate.Distance <= Math.Clamp((word.Length + 2) / 3, 1, 3))
            .OrderBy(candidate => candidate.Distance)
            .ThenBy(candidate => candidate.Name, StringComparer.Ordinal)
            .Select(candidate => candidate.Name)
            .FirstOrDefault();
        string where = parseResult.CommandResult.Parent is null ? "atomiton-storage" : $"'{group.Name}'";
        string suggestion = closest is null ? "" : $" Did you mean '{closest}'?";
        return $"unknown command '{word}' for {where}.{suggestion} Commands: {string.Join(", ", names)}.";
    }
}
