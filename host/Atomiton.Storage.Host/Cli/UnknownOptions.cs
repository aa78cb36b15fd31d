using System.CommandLine;
using System.CommandLine.Parsing;
using Quickenshtein;

namespace Atomiton.Storage.Host.Cli;

/// <summary>
/// Finds words on the command line that look like options (they start with <c>-</c>) but are none
/// of the command's: System.CommandLine hands such a word to a positional argument when the command
/// has one free (<c>get key --jsno</c> would write a file named <c>--jsno</c>). A word after
/// <c>--</c> is always an argument, and a lone <c>-</c> means standard input or output.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>The unknown options, each with its one-line error naming the closest known option when one is near.</summary>
    public static IReadOnlyList<(string Option, string Message)> Find(ParseResult parseResult)
    {
        var positional = PositionalTokens(parseResult.CommandResult);
        var unknown = new List<string>();
        foreach (var token in parseResult.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                break;
            }

            bool looksLikeOption = token.Value.Length > 1 && token.Value[0] == '-';
            bool isUnknown = token.Type == TokenType.Argument && (positional.Contains(token) || parseResult.UnmatchedTokens.Contains(token.Value));
            if (looksLikeOption && isUnknown && !unknown.Contains(token.Value))
            {
                unknown.Add(token.Value);
            }
        }

        return unknown.Select(option => (option, Describe(option, parseResult.CommandResult))).ToList();
    }

    /// <summary>Whether <paramref name="message"/>, an error of the parser, is about one of <paramref name="unknown"/>.</summary>
    public static bool Mentions(string message, IEnumerable<(string Option, string Message)> unknown) =>
        unknown.Any(u => message.Contains($"'{u.Option}'", StringComparison.Ordinal));

    // The tokens taken by the positional arguments of the command and of the commands above it.
    private static HashSet<Token> PositionalTokens(CommandResult command)
    {
        var tokens = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        for (SymbolResult? result = command; result is CommandResult current; result = current.Parent)
        {
            foreach (var argument in current.Children.OfType<ArgumentResult>())
            {
                tokens.UnionWith(argument.Tokens);
            }
        }

        return tokens;
    }

    private static string Describe(string option, CommandResult command)
    {
        string name = command.Parent is null ? "atomiton-storage" : $"'{command.Command.Name}'";
        string? closest = Closest(option, KnownOptions(command));
        string suggestion = closest is null ? "" : $" Did you mean '{closest}'?";
        return $"unknown option '{option}' for {name}.{suggestion} An argument that starts with '-' goes after '--' (for example: -- {option}).";
    }

    private static List<string> KnownOptions(CommandResult command)
    {
        var names = command.Command.Options.SelectMany(Names).ToList();
        for (SymbolResult? result = command.Parent; result is CommandResult parent; result = parent.Parent)
        {
            names.AddRange(parent.Command.Options.Where(o => o.Recursive).SelectMany(Names));
        }

        return names;
    }

    private static IEnumerable<string> Names(Option option) => option.Aliases.Prepend(option.Name);

    // The nearest name within a third of the word's length, rounded up (at most 3 edits): a typo, not
    // another option. A one-letter option is one edit from every other, so none is suggested for it.
    private static string? Closest(string option, IEnumerable<string> known)
    {
        if (option.TrimStart('-').Length < 2)
        {
            return null;
        }

        int limit = Math.Clamp((option.TrimStart('-').Length + 2) / 3, 1, 3);
        return known
            .Where(name => name.StartsWith("--", StringComparison.Ordinal) == option.StartsWith("--", StringComparison.Ordinal))
            .Select(name => (Name: name, Distance: Levenshtein.GetDistance(option, name)))
            .Where(candidate => candidate.Distance <= limit)
            .OrderBy(candidate => candidate.Distance)
            .ThenBy(candidate => candidate.Name, StringComparer.Ordinal)
            .Select(candidate => candidate.Name)
            .FirstOrDefault();
    }
}
