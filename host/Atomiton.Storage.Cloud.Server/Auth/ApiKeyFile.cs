using System.Text.Json;
using System.Text.Json.Serialization;

namespace Atomiton.Storage.Cloud.Server.Auth;

/// <summary>The JSON layout of the key file: <c>{ "version": 1, "keys": [ … ] }</c>.</summary>
internal sealed record ApiKeyFile
{
    public int Version { get; init; } = 1;

    public List<ApiKeyEntry> Keys { get; init; } = [];

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };
}
