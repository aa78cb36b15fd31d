using System.Text.Json;
using Atomiton.Storage.Cloud.Wire;

namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>Reads the server's JSON bodies, treating a malformed one as a server fault.</summary>
internal static class HttpContentJsonExtensions
{
    public static async Task<T> ReadFromJsonOrThrowAsync<T>(this HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(stream, CloudJson.Options, cancellationToken)
                ?? throw new JsonException("The body is JSON null.");
        }
        catch (JsonException e)
        {
            throw new StorageException(StorageErrorCode.SerializationError, $"The Atomiton Cloud server sent a malformed {typeof(T).Name} ({e.Message}). Check that 'endpoint' points at an Atomiton Cloud server of API version 1.", e)
            { Provider = CloudProvider.TypeName };
        }
    }
}
