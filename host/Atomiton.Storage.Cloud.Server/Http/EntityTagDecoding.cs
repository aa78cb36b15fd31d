namespace Atomiton.Storage.Cloud.Wire;

/// <summary>The server's side of <see cref="EntityTagCodec"/>: reading the entity-tags of If-Match and If-None-Match.</summary>
internal static partial class EntityTagCodec
{
    /// <summary>Decodes one quoted entity-tag; false for a weak tag, a list, or anything malformed.</summary>
    public static bool TryDecode(string? value, out string etag)
    {
        etag = string.Empty;
        if (value is null || value.Length < 3 || value[0] != '"' || value[^1] != '"')
        {
            return false;
        }

        var inner = value[1..^1];
        if (inner.Any(c => c is '"' or <= ' ' or >= (char)0x7F))
        {
            return false;
        }

        if (!Atomiton.Storage.Cloud.Server.Http.ObjectKeyPath.TryDecodeSegment(inner, out etag))
        {
            return false;
        }

        return etag.Length > 0;
    }
}
