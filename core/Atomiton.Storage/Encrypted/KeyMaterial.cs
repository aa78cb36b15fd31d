namespace Atomiton.Storage.Encrypted;

/// <summary>Parses raw keys (base64 or hex) and <c>id=key</c> lists; problems never quote the secret.</summary>
internal static class KeyMaterial
{
    public static bool TryParse(string text, out byte[] key)
    {
        text = text.Trim();
        key = [];
        try
        {
            key = text.Length == 64 ? Convert.FromHexString(text) : Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return false;
        }

        return key.Length == 32;
    }

    public static (List<(string Id, byte[] Key)> Keys, string? Problem) ParsePairs(string text)
    {
        var keys = new List<(string, byte[])>();
        int position = 0;
        foreach (var pair in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            position++;
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string id = equals < 0 ? "" : pair[..equals].Trim();
            if (!EncryptedFormat.IsValidKeyId(id))
            {
                return (keys, $"entry {position} must be 'id=key' with an id of 1 to {EncryptedFormat.MaxKeyIdLength} characters of [A-Za-z0-9._-]");
            }

            if (!TryParse(pair[(equals + 1)..], out var key))
            {
                return (keys, $"the key of '{id}' is not 32 bytes as base64 or hex (the value is not shown)");
            }

            keys.Add((id, key));
        }

        return (keys, null);
    }
}
