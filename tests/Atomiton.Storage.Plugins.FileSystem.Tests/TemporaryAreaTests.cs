namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// The temporary area: start-up removes what dead writers left (files and half-built folders),
/// keeps what live ones own, and forgets dead owners.
/// </summary>
public sealed class TemporaryAreaTests : IDisposable
{
    private const string DeadOwner = "00000000deadbeef";
    private readonly TemporaryFolder _folder = new("tmp-area");

    private string Area => Path.Combine(_folder.Path, "%_tmp");

    [Fact]
    public void Leftovers_of_a_dead_owner_are_removed_with_the_owner_file()
    {
        Directory.CreateDirectory(Area);
        File.WriteAllText(Path.Combine(Area, DeadOwner + ".owner"), "");
        File.WriteAllText(Path.Combine(Area, DeadOwner + ".1"), "half a save");
        Directory.CreateDirectory(Path.Combine(Area, DeadOwner + ".2"));
        File.WriteAllText(Path.Combine(Area, DeadOwner + ".2", "%_segment"), "a long folder being built");
        File.WriteAllText(Path.Combine(Area, "0123456789abcdef.7"), "an owner that never wrote its owner file");

        using var area = Open();
        area.RemoveOrphans();

        Assert.Equal(3, area.Removed);
        Assert.Equal([".owner"], Directory.GetFiles(Area).Select(Path.GetExtension));
    }

    [Fact]
    public void Files_of_a_live_owner_are_kept()
    {
        using var live = Open();
        string inFlight = Path.Combine(Area, live.NextName());
        File.WriteAllText(inFlight, "in flight");
        string ownerless = Path.Combine(Area, "no-dot-here");
        File.WriteAllText(ownerless, "");

        using var starting = Open();
        starting.RemoveOrphans();

        Assert.True(File.Exists(inFlight));
        Assert.Equal(1, starting.Removed);
        Assert.False(File.Exists(ownerless));
        Assert.NotEqual(live.NextName(), starting.NextName());
    }

    [Fact]
    public void Discarding_a_missing_file_is_harmless()
    {
        using var area = Open();
        string name = area.NextName();
        string path = Path.Combine(Area, name);

        area.Discard(name);
        File.WriteAllText(path, "x");
        area.Discard(name);

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task An_engine_reports_what_it_cleaned_at_start()
    {
        Directory.CreateDirectory(Area);
        File.WriteAllText(Path.Combine(Area, DeadOwner + ".owner"), "");
        File.WriteAllText(Path.Combine(Area, DeadOwner + ".1"), "half a save");
        var logger = new RecordingLogger(Atomiton.Storage.Providers.StorageLogLevel.Information);

        await using var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path }, logger: logger);

        Assert.Equal(1, engine.RemovedTemporaryFiles);
        Assert.Contains(logger.Messages, message => message.Message.Contains("Removed 1 temporary file(s)", StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Dispose();

    private TemporaryArea Open()
    {
        using var baseFolder = InternalFolder.OpenBase(_folder.Path);
        return new TemporaryArea(baseFolder, "%_tmp");
    }
}
