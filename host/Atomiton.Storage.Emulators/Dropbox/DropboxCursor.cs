using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>
/// A <c>list_folder</c> cursor: the folder, recursion, the change sequence it has seen and, while the
/// first listing is still paging, the last path listed. Signed, so a cursor the emulator did not
/// issue is refused; stamped with the namespace's generation, so a reset makes it <c>reset</c>.
/// </summary>
internal sealed record DropboxCursor(int Generation, string Folder, bool Recursive, long Sequence, string? ListedAfter, bool Listing)
{
    public string Encode(byte[] key)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new object?[] { Generation, Folder, Recursive, Sequence, ListedAfter, Listing });
        return Base64Url(body) + "." + Base64Url(HMACSHA256.HashData(key, body)[..16]);
    }

    public static DropboxCursor Decode(string? text, byte[] key, string route)
    {
        var invalid = DropboxApiException.BadRequest($"Error in call to API function \"{route}\": Invalid \"cursor\" parameter.");
        if (text is null || text.Split('.') is not [var bodyText, var signatureText])
        {
            throw invalid;
        }

        try
        {
            byte[] body = FromBase64Url(bodyText);
            if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, body).AsSpan(0, 16), FromBase64Url(signatureText)))
            {
                throw invalid;
            }

            var parts = JsonSerializer.Deserialize<JsonElement[]>(body)!;
            return new DropboxCursor(parts[0].GetInt32(), parts[1].GetString()!, parts[2].GetBoolean(), parts[3].GetInt64(),
                parts[4].ValueKind == JsonValueKind.Null ? null : parts[4].GetString(), parts[5].GetBoolean());
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw invalid;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        string base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
