namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>The internal-file cases with the kernel resolving object paths (openat2 beneath baseDir, Linux 5.6+).</summary>
[Collection(RunsAlone.Name)]
public sealed class KernelResolutionInternalFilesTests : InternalFilesTests
{
    protected override bool CheckEachComponent => false;
}
