namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// A server watches no configuration file. The default web builder watches an <c>appsettings.json</c>
/// in the working folder, and each watch is an inotify instance (128 per user by default): a process
/// running many servers (replicas, a test suite) ran out of them ("The configured user limit (128) on
/// the number of inotify instances has been reached").
/// </summary>
[Collection(FileWatchTests.Alone)]
public sealed class FileWatchTests
{
    public const string Alone = "counts the process's inotify instances";

    [SkippableFact]
    public async Task Starting_servers_opens_no_inotify_instance()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "inotify instances are counted through /proc/self/fd, which only Linux has");
        int before = InotifyInstances();
        var servers = new List<CloudTestServer>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                servers.Add(await CloudTestServer.StartAsync());
            }

            Assert.Equal(before, InotifyInstances());
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static int InotifyInstances() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(fd => fd.LinkTarget == "anon_inode:inotify");
}

/// <summary>Runs its tests with no other test of the project in parallel: they count what the whole process holds.</summary>
[CollectionDefinition(FileWatchTests.Alone, DisableParallelization = true)]
public sealed class FileWatchAlone;
