namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>The internal-file cases with every path component checked with lstat (other systems, Linux before 5.6, seccomp-filtered openat2).</summary>
[Collection(RunsAlone.Name)]
public sealed class ComponentCheckInternalFilesTests : InternalFilesTests
{
    protected override bool CheckEachComponent => true;
}
