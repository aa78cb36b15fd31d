using System.Globalization;
using System.Text.Json.Nodes;

namespace Atomiton.Storage.Emulators.OneDrive;

/// <summary>The JSON the Graph reference documents: driveItem, drive, error and upload-session resources.</summary>
internal static class GraphDriveJson
{
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Item(GraphDriveStore store, GraphDriveItem item, string? downloadUrl)
    {
        var json = new JsonObject
        {
            ["id"] = item.Id,
            ["name"] = item.Parent is null ? "root" : item.Name,
            ["eTag"] = item.ETag,
            ["cTag"] = item.CTag,
            ["size"] = item.Size,
            ["createdDateTime"] = Time(item.Created),
            ["lastModifiedDateTime"] = Time(item.Modified),
            ["fileSystemInfo"] = new JsonObject
            {
                ["createdDateTime"] = Time(item.FileSystemCreated),
                ["lastModifiedDateTime"] = Time(item.FileSystemModified),
            },
        };
        if (item.Parent is { } parent)
        {
            json["parentReference"] = Parent(store, parent);
        }
        else
        {
            json["root"] = new JsonObject();
        }

        if (item.IsFolder)
        {
            json["folder"] = new JsonObject { ["childCount"] = item.Children.Count };
            if (ReferenceEquals(item, store.AppFolder))
            {
                json["specialFolder"] = new JsonObject { ["name"] = "approot" };
            }
        }
        else
        {
            json["file"] = new JsonObject
            {
                ["mimeType"] = item.MimeType,
                ["hashes"] = new JsonObject
                {
                    ["quickXorHash"] = item.QuickXorHash,
                    ["sha1Hash"] = item.Sha1Hash,
                    ["sha256Hash"] = item.Sha256Hash,
                },
            };
            if (downloadUrl is not null)
            {
                json["@microsoft.graph.downloadUrl"] = downloadUrl;
            }
        }

        return json;
    }

    public static JsonObject Deleted(GraphDriveStore store, GraphDriveItem item)
    {
        var json = new JsonObject
        {
            ["id"] = item.Id,
            ["name"] = item.Name,
            ["deleted"] = new JsonObject { ["state"] = "deleted" },
        };
        if (item.Parent is { } parent)
        {
            json["parentReference"] = Parent(store, parent);
        }

        json[item.IsFolder ? "folder" : "file"] = new JsonObject();
        return json;
    }

    public static JsonObject Drive(GraphDriveStore store) => new()
    {
        ["id"] = store.DriveId,
        ["driveType"] = "personal",
        ["owner"] = new JsonObject { ["user"] = new JsonObject { ["displayName"] = "Emulated User", ["id"] = "user-1" } },
        ["quota"] = new JsonObject
        {
            ["total"] = store.Options.QuotaTotal,
            ["used"] = store.Used,
            ["remaining"] = Math.Max(0, store.Options.QuotaTotal - store.Used),
            ["deleted"] = 0,
            ["state"] = "normal",
        },
    };

    public static JsonObject Error(string code, string message, DateTimeOffset now) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new JsonObject
            {
                ["date"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                ["request-id"] = Guid.NewGuid().ToString(),
                ["client-request-id"] = Guid.NewGuid().ToString(),
            },
        },
    };

    public static JsonObject UploadStatus(GraphUploadSession session, string? uploadUrl)
    {
        var json = new JsonObject
        {
            ["expirationDateTime"] = Time(session.ExpiresAt),
            ["nextExpectedRanges"] = new JsonArray(session.Received.Length.ToString(CultureInfo.InvariantCulture) + "-"),
        };
        if (uploadUrl is not null)
        {
            json["uploadUrl"] = uploadUrl;
        }

        return json;
    }

    private static JsonObject Parent(GraphDriveStore store, GraphDriveItem parent) => new()
    {
        ["driveId"] = store.DriveId,
        ["driveType"] = "personal",
        ["id"] = parent.Id,
        ["path"] = "/drive/root:" + parent.PathBelowRoot,
    };
}
