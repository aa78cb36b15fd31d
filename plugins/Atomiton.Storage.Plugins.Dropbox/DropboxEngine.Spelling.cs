using Atomiton.Storage.Plugins.Dropbox.Wire;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>
/// Native names: Dropbox keeps a folder's spelling after its last file is deleted, but a key's
/// spelling belongs to its objects. When a save lands in a folder spelt otherwise and no other file
/// lives under that folder, the folder is renamed to the key's spelling (<c>move_v2</c>, letter case
/// only — a concurrent upload into it lands in the same folder either way, so nothing can be lost).
/// A file whose name came back in another spelling existed already (an overwrite keeps its spelling);
/// an overwrite spelt exactly like the file but not like its only folder is taken for a new file.
/// </summary>
public sealed partial class DropboxEngine
{
    private async ValueTask<StorageItem> AdoptSpellingAsync(string key, StorageItem saved, CancellationToken cancellationToken)
    {
        if (_options.NameMode != DropboxNameMode.Native || saved.Key == key || !saved.Key.Equals(key, StringComparison.OrdinalIgnoreCase))
        {
            return saved;
        }

        var wanted = key.Split('/');
        var kept = saved.Key.Split('/');
        if (wanted[^1] != kept[^1])
        {
            return saved; // Dropbox kept an existing file's name: an overwrite, whose spelling stays
        }

        bool renamed = false;
        for (int level = 0; level < wanted.Length - 1; level++)
        {
            if (wanted[level] == kept[level])
            {
                continue;
            }

            string folderKey = string.Join('/', kept[..(level + 1)]);
            if (await HoldsOtherFilesAsync(folderKey, saved.Key, cancellationToken))
            {
                continue; // its spelling belongs to those files
            }

            kept[level] = wanted[level];
            string newKey = string.Join('/', kept[..(level + 1)]);
            await _client.RpcAsync("files/move_v2", new WireRelocationArg(_paths.PathOf(folderKey), _paths.PathOf(newKey)),
                DropboxJsonContext.Default.WireRelocationArg, DropboxJsonContext.Default.WireMetadataResult, key, write: true, cancellationToken);
            renamed = true;
        }

        return renamed ? await StatCoreAsync(key, cancellationToken) : saved;
    }

    private async ValueTask<bool> HoldsOtherFilesAsync(string folderKey, string ownKey, CancellationToken cancellationToken)
    {
        await foreach (var entry in ListCoreAsync(new ListOptions { Prefix = folderKey + "/", KeysOnly = true, PageSize = 100 }, cancellationToken))
        {
            if (!entry.Key.Equals(ownKey, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
