using System.Text.Json;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Migration;

/// <summary>
/// The durable progress of one migration (source, target, prefix). Keys are migrated in ordinal
/// order, so progress is a <see cref="Watermark"/> (every key up to it is done) plus the few keys
/// above it finished out of order by parallel workers, plus the keys that failed (retried first
/// when the migration resumes). Written atomically: a new file is written and renamed over the old.
/// </summary>
internal sealed record MigrationCheckpoint
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    public required string From { get; init; }

    public required string To { get; init; }

    public required string Prefix { get; init; }

    /// <summary>Every key up to and including this one (ordinal order) is verified at the target; null when none is yet.</summary>
    public string? Watermark { get; init; }

    /// <summary>Keys above the watermark already verified at the target.</summary>
    public IReadOnlyList<string> DoneAboveWatermark { get; init; } = [];

    /// <summary>Keys whose copy or verification failed; retried first on resume.</summary>
    public IReadOnlyList<string> Failed { get; init; } = [];

    /// <summary>Objects verified at the target, over every run of this migration.</summary>
    public long Verified { get; init; }

    /// <summary>Bytes copied, over every run of this migration.</summary>
    public long Bytes { get; init; }

    public DateTimeOffset Updated { get; init; }

    /// <summary>Reads the checkpoint at <paramref name="path"/>, or null when there is none.</summary>
    /// <exception cref="CommandLineException">The file exists but is unreadable or belongs to another migration.</exception>
    public static MigrationCheckpoint? Load(string path, string from, string to, string prefix)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        MigrationCheckpoint? checkpoint;
        try
        {
            checkpoint = JsonSerializer.Deserialize<MigrationCheckpoint>(File.ReadAllText(path), JsonOutput.Compact);
        }
        catch (JsonException e)
        {
            throw new CommandLineException(ExitCodes.Other, $"The migration checkpoint {path} is not valid ({e.Message}). Delete it to start the migration over (objects already at the target are verified, not copied again).");
        }

        if (checkpoint is null || checkpoint.Version != CurrentVersion
            || !string.Equals(checkpoint.From, from, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(checkpoint.To, to, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(checkpoint.Prefix, prefix, StringComparison.Ordinal))
        {
            throw new CommandLineException(ExitCodes.Other, $"The migration checkpoint {path} belongs to another migration (or version); delete it or pass another --checkpoint.");
        }

        return checkpoint;
    }

    /// <summary>Replaces the file at <paramref name="path"/> atomically: readers and a crash see the old or the new checkpoint, never a part.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, JsonOutput.Compact);
            // No fsync: the checkpoint must survive the process being killed, which the page cache guarantees;
            // after a power loss the worst case is re-verifying (not re-copying) objects already at the target.
            stream.Flush();
        }

        File.Move(temporary, path, overwrite: true);
    }
}
