namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>The hostile-key cases with the kernel refusing links (openat2 beneath baseDir, Linux 5.6+).</summary>
[Collection(RunsAlone.Name)]
public sealed class KernelResolutionHostileKeyTests : HostileKeyTests
{
    protected override bool CheckEachComponent => false;

    [Fact]
    public void The_kernel_resolves_paths_on_Linux_5_6_and_later()
    {
        bool openat2Exists = OperatingSystem.IsLinux() && Environment.OSVersion.Version >= new Version(5, 6);

        Assert.Equal(openat2Exists, Engine.ResolvesPathsInKernel);
    }
}
