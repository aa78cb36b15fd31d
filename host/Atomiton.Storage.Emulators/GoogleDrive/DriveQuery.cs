using System.Globalization;
using System.Text;

namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>
/// The <c>q</c> grammar subset of files.list (Drive's "Search query terms and operators"):
/// <c>name</c> and <c>mimeType</c> with <c>=</c>, <c>!=</c> and <c>contains</c> (name: word prefixes,
/// ignoring case), <c>'id' in parents</c>, <c>trashed = true|false</c>, <c>modifiedTime</c> and
/// <c>createdTime</c> compared with an RFC 3339 time, <c>appProperties has { key='k' and value='v' }</c>
/// (and <c>properties</c>), combined with <c>and</c>, <c>or</c>, <c>not</c> and parentheses. String
/// literals escape <c>'</c> and <c>\</c> with a backslash. Anything else is 400 <c>invalid</c> (location q).
/// </summary>
internal sealed class DriveQuery
{
    private readonly List<string> _tokens;
    private readonly string _text;
    private readonly Func<string, string> _resolveId;
    private int _next;

    private DriveQuery(string text, Func<string, string> resolveId)
    {
        _text = text;
        _resolveId = resolveId;
        _tokens = Tokenize(text);
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="resolveId"/> turns the aliases <c>root</c> and <c>appDataFolder</c> into folder ids.</summary>
    public static Func<DriveFile, bool> Parse(string? text, Func<string, string> resolveId)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return _ => true;
        }

        var parser = new DriveQuery(text, resolveId);
        var predicate = parser.ParseOr();
        if (parser._next != parser._tokens.Count)
        {
            throw parser.Invalid();
        }

        return predicate;
    }

    private Func<DriveFile, bool> ParseOr()
    {
        var left = ParseAnd();
        while (Accept("or"))
        {
            var l = left;
            var r = ParseAnd();
            left = f => l(f) || r(f);
        }

        return left;
    }

    private Func<DriveFile, bool> ParseAnd()
    {
        var left = ParseUnary();
        while (Accept("and"))
        {
            var l = left;
            var r = ParseUnary();
            left = f => l(f) && r(f);
        }

        return left;
    }

    private Func<DriveFile, bool> ParseUnary()
    {
        if (Accept("not"))
        {
            var inner = ParseUnary();
            return f => !inner(f);
        }

        if (Accept("("))
        {
            var inner = ParseOr();
            Expect(")");
            return inner;
        }

        return ParseTerm();
    }

    private Func<DriveFile, bool> ParseTerm()
    {
        string first = Take();
        if (IsLiteral(first))
        {
            // 'value' in parents
            string value = _resolveId(Unquote(first));
            Expect("in");
            Expect("parents");
            return f => f.Parents.Contains(value, StringComparer.Ordinal);
        }

        string op = Take();
        switch (first)
        {
            case "name":
            case "mimeType":
            case "fullText":
                {
                    string value = Unquote(TakeLiteral());
                    Func<DriveFile, string> get = first == "mimeType" ? f => f.MimeType : f => f.Name;
                    return op switch
                    {
                        "=" => f => get(f) == value,
                        "!=" => f => get(f) != value,
                        "contains" => f => ContainsWordPrefix(get(f), value),
                        _ => throw Invalid(),
                    };
                }

            case "trashed":
            case "starred":
            case "hidden":
                {
                    string value = Take();
                    if (value is not ("true" or "false") || op is not ("=" or "!="))
                    {
                        throw Invalid();
                    }

                    bool wanted = (value == "true") == (op == "=");
                    return first == "trashed" ? f => f.Trashed == wanted : f => !wanted;
                }

            case "modifiedTime":
            case "createdTime":
                {
                    if (!DateTimeOffset.TryParse(Unquote(TakeLiteral()), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                    {
                        throw Invalid();
                    }

                    Func<DriveFile, DateTimeOffset> get = first == "createdTime" ? f => f.CreatedTime : f => f.ModifiedTime;
                    return op switch
                    {
                        "=" => f => get(f) == time,
                        "!=" => f => get(f) != time,
                        "<" => f => get(f) < time,
                        "<=" => f => get(f) <= time,
                        ">" => f => get(f) > time,
                        ">=" => f => get(f) >= time,
                        _ => throw Invalid(),
                    };
                }

            case "appProperties":
            case "properties":
                {
                    if (op != "has")
                    {
                        throw Invalid();
                    }

                    Expect("{");
                    Expect("key");
                    Expect("=");
                    string key = Unquote(TakeLiteral());
                    Expect("and");
                    Expect("value");
                    Expect("=");
                    string value = Unquote(TakeLiteral());
                    Expect("}");
                    bool app = first == "appProperties";
                    return f => (app ? f.AppProperties : f.Properties).TryGetValue(key, out var v) && v == value;
                }

            default:
                throw Invalid();
        }
    }

    /// <summary>Drive's <c>contains</c> on names: the value must start a word of the name (words split at anything not a letter or digit), ignoring case.</summary>
    private static bool ContainsWordPrefix(string name, string value)
    {
        if (value.Length == 0)
        {
            return true;
        }

        for (int i = name.IndexOf(value, StringComparison.OrdinalIgnoreCase); i >= 0; i = name.IndexOf(value, i + 1, StringComparison.OrdinalIgnoreCase))
        {
            if (i == 0 || !char.IsLetterOrDigit(name[i - 1]))
            {
                return true;
            }
        }

        return false;
    }

    private bool Accept(string token)
    {
        if (_next < _tokens.Count && _tokens[_next] == token)
        {
            _next++;
            return true;
        }

        return false;
    }

    private void Expect(string token)
    {
        if (!Accept(token))
        {
            throw Invalid();
        }
    }

    private string Take() => _next < _tokens.Count ? _tokens[_next++] : throw Invalid();

    private string TakeLiteral()
    {
        string token = Take();
        return IsLiteral(token) ? token : throw Invalid();
    }

    private static bool IsLiteral(string token) => token.Length >= 2 && token[0] == '\'';

    private static string Unquote(string literal) => literal[1..^1];

    private DriveError Invalid() => DriveError.Invalid("q", $"Invalid Value: the query '{_text}' is not in the supported grammar.");

    /// <summary>Tokens: quoted literals (kept quoted, escapes resolved), operators, words and brackets.</summary>
    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '\'')
            {
                var literal = new StringBuilder("'");
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw DriveError.Invalid("q", $"Invalid Value: the query '{text}' has an unterminated string.");
                    }

                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        literal.Append(text[i + 1]);
                        i += 2;
                    }
                    else if (text[i] == '\'')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        literal.Append(text[i++]);
                    }
                }

                tokens.Add(literal.Append('\'').ToString());
            }
            else if (c is '(' or ')' or '{' or '}')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                int start = i++;
                if (i < text.Length && text[i] == '=')
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
            else
            {
                int start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.' or '-'))
                {
                    i++;
                }

                if (i == start)
                {
                    throw DriveError.Invalid("q", $"Invalid Value: unexpected '{c}' in the query '{text}'.");
                }

                tokens.Add(text[start..i]);
            }
        }

        return tokens;
    }
}
