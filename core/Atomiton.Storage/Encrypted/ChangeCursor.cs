using System.Buffers.Text;
using System.Text;

namespace Atomiton.Storage.Encrypted;

/// <summary>
/// A change cursor of the encrypted engine with encrypted names: the inner engine's cursor for the encrypted
/// prefix, plus the partial last segment of the plaintext prefix (which cannot be encrypted on its own and is
/// filtered on decrypted names), so a cursor read back after a restart filters as the one first issued.
/// </summary>
internal static class ChangeCursor
{
    private const string Marker = "enc1.";

    public static string Wrap(string plainFilter, string innerCursor) =>
        Marker + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(plainFilter)) + "." + innerCursor;

    public static (string Filter, string InnerCursor) Unwrap(string cursor)
    {
        int dot = cursor.StartsWith(Marker, StringComparison.Ordinal) ? cursor.IndexOf('.', Marker.Length) : -1;
        if (dot >= 0)
        {
            try
            {
                return (Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor.AsSpan(Marker.Length, dot - Marker.Length))), cursor[(dot + 1)..]);
            }
            catch (FormatException)
            {
                // Reported below.
            }
        }

        throw new StorageException(StorageErrorCode.InvalidArgument, "The change cursor was not issued by this encrypted stage (with encrypted names). Get one from GetChangeCursorAsync or from the last page read.")
        { Provider = EncryptedEngine.TypeName };
    }
}
