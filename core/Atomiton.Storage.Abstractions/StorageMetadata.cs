namespace Atomiton.Storage;

/// <summary>
/// Rules for user metadata, the same on every engine: names are 1–64 characters of lowercase
/// ASCII letters, digits, <c>-</c>, <c>_</c> and <c>.</c>; values are at most 1024 characters
/// with no control characters; at most 8 KiB of names and values in all.
/// </summary>
public static class StorageMetadata
{
    /// <summary>The longest metadata name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The longest metadata value.</summary>
    public const int MaxValueLength = 1024;

    /// <summary>The most characters of names and values together.</summary>
    public const int MaxTotalLength = 8 * 1024;

    /// <summary>Throws <see cref="StorageErrorCode.InvalidArgument"/> naming the metadata entry that breaks a rule.</summary>
    /// <exception cref="StorageException">A name or value breaks the rules.</exception>
    public static void Validate(IReadOnlyDictionary<string, string>? metadata, string key, string? provider = null)
    {
        if (metadata is null)
        {
            return;
        }

        int total = 0;
        foreach (var (name, value) in metadata)
        {
            string? problem = CheckName(name) ?? CheckValue(value);
            if (problem is not null)
            {
                throw new StorageException(StorageErrorCode.InvalidArgument, $"Invalid metadata '{name}' for key '{key}': {problem}.")
                { Key = key, Provider = provider, Operation = StorageOperation.Save };
            }

            total += name.Length + value.Length;
        }

        if (total > MaxTotalLength)
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"Metadata for key '{key}' has {total} characters; at most {MaxTotalLength} are allowed.")
            { Key = key, Provider = provider, Operation = StorageOperation.Save };
        }
    }

    /// <summary>An immutable copy of <paramref name="metadata"/> (empty when null).</summary>
    public static IReadOnlyDictionary<string, string> Freeze(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is null || metadata.Count == 0
            ? StorageItem.EmptyMetadata
            : new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(new Dictionary<string, string>(metadata, StringComparer.Ordinal));

    private static string? CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return $"names must have 1 to {MaxNameLength} characters";
        }

        foreach (char c in name)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.'))
            {
                return "names may hold only lowercase ASCII letters, digits, '-', '_' and '.'";
            }
        }

        return null;
    }

    private static string? CheckValue(string? value)
    {
        if (value is null)
        {
            return "the value is null";
        }

        if (value.Length > MaxValueLength)
        {
            return $"the value is longer than {MaxValueLength} characters";
        }

        return value.Any(char.IsControl) ? "the value contains a control character" : null;
    }
}
