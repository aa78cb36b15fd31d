using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Atomiton.Storage.GoogleDrive.Tests;

/// <summary>Plain HTTP against the emulator with the signed-in stage's access token (what another client of the same account would do).</summary>
internal static class RawDrive
{
    public static async Task<HttpClient> ClientAsync(DriveTestEnvironment environment)
    {
        var stored = await environment.Credentials.ReadAsync("google-oauth") ?? throw new InvalidOperationException("not signed in");
        string token = JsonNode.Parse(stored.Value)!["access_token"]!.GetValue<string>();
        var client = new HttpClient { BaseAddress = environment.Drive.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a file of <paramref name="name"/> in the app-data folder with a multipart upload; returns its id.</summary>
    public static async Task<string> CreateAsync(HttpClient client, string name, byte[] content, DateTimeOffset? modifiedTime = null)
    {
        var body = new MultipartContent("related", "b0undary");
        object metadata = modifiedTime is { } time
            ? new { name, parents = new[] { "appDataFolder" }, modifiedTime = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture) }
            : new { name, parents = new[] { "appDataFolder" } };
        body.Add(new StringContent(JsonSerializer.Serialize(metadata), Encoding.UTF8, "application/json"));
        var media = new ByteArrayContent(content);
        media.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        body.Add(media);
        using var response = await client.PostAsync("upload/drive/v3/files?uploadType=multipart&fields=id", body);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }
}
