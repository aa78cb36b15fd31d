namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>The hostile-key cases with every path component checked with lstat (other systems, Linux before 5.6, seccomp-filtered openat2).</summary>
[Collection(RunsAlone.Name)]
public sealed class ComponentCheckHostileKeyTests : HostileKeyTests
{
    protected override bool CheckEachComponent => true;

    [Fact]
    public void Each_component_is_checked_when_asked()
    {
        Assert.False(Engine.ResolvesPathsInKernel);
    }
}
