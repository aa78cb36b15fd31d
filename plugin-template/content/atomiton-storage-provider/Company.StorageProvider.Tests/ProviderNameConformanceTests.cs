using Atomiton.Storage;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Testing;

namespace Company.StorageProvider.Tests;

/// <summary>Runs the whole Atomiton conformance kit against the engine, built through its descriptor as the host builds it.</summary>
public sealed class ProviderNameConformanceTests : StorageConformanceTests
{
    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        new ProviderNameProvider().CreateAsync(
            new ProviderNameOptions(),
            new StorageProviderContext { PipelineName = "tests", StageName = ProviderNameProvider.TypeName });
}
