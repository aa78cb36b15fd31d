using System.Text.Json.Nodes;

namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>
/// Partial responses (the <c>fields</c> parameter): <c>a,b/c,d(e,f)</c> and <c>*</c>; a field not in
/// the resource is left out, as Drive does for absent values.
/// </summary>
internal sealed class DriveFields
{
    private readonly Dictionary<string, DriveFields?> _children = new(StringComparer.Ordinal);
    private bool _all;

    private DriveFields()
    {
    }

    /// <summary>Parses a fields expression; throws <see cref="DriveError"/> (400 invalid, location fields) when it is malformed.</summary>
    public static DriveFields Parse(string expression)
    {
        var root = new DriveFields();
        int position = 0;
        root.ParseList(expression, ref position);
        if (position != expression.Length)
        {
            throw DriveError.Invalid("fields", $"Invalid field selection {expression}");
        }

        return root;
    }

    public JsonNode? Apply(JsonNode? node)
    {
        if (_all || node is null)
        {
            return node;
        }

        if (node is JsonArray array)
        {
            return new JsonArray([.. array.Select(e => Apply(e?.DeepClone()))]);
        }

        if (node is not JsonObject source)
        {
            return node.DeepClone();
        }

        var result = new JsonObject();
        foreach (var (name, sub) in _children)
        {
            if (source[name] is { } value)
            {
                result[name] = sub is null ? value.DeepClone() : sub.Apply(value);
            }
        }

        return result;
    }

    private void ParseList(string text, ref int position)
    {
        while (true)
        {
            SkipSpaces(text, ref position);
            ParsePath(text, ref position);
            SkipSpaces(text, ref position);
            if (position < text.Length && text[position] == ',')
            {
                position++;
                continue;
            }

            return;
        }
    }

    private void ParsePath(string text, ref int position)
    {
        int start = position;
        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] is '_' or '*' or '@' or '.'))
        {
            position++;
        }

        string name = text[start..position];
        if (name.Length == 0)
        {
            throw DriveError.Invalid("fields", $"Invalid field selection {text}");
        }

        if (name == "*")
        {
            _all = true;
            return;
        }

        if (position < text.Length && text[position] == '/')
        {
            position++;
            Child(name).ParsePath(text, ref position);
        }
        else if (position < text.Length && text[position] == '(')
        {
            position++;
            Child(name).ParseList(text, ref position);
            if (position >= text.Length || text[position] != ')')
            {
                throw DriveError.Invalid("fields", $"Invalid field selection {text}");
            }

            position++;
        }
        else
        {
            _children[name] = null; // the whole value
        }
    }

    private DriveFields Child(string name)
    {
        if (_children.TryGetValue(name, out var existing))
        {
            if (existing is not null)
            {
                return existing;
            }

            var whole = new DriveFields { _all = true };
            _children[name] = whole;
            return whole;
        }

        var child = new DriveFields();
        _children[name] = child;
        return child;
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }
    }
}
