namespace Atomiton.Storage.Plugins.AzureBlob.Tests;

/// <summary>Reports, as a skip with the reason and the install command, when Azurite is missing and the kit was not compiled.</summary>
[Collection(AzuriteCollectionDefinition.Name)]
public sealed class AzuriteAvailabilityTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public void Azurite_runs_for_the_conformance_kit()
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable + " The conformance kit's cases (AzureBlobConformanceTests) are compiled only where it is installed.");
#if !AZURITE
        Skip.If(true, "azurite-blob was installed after this test project was compiled, so the conformance kit's cases are missing: rebuild it (dotnet build --no-incremental).");
#endif
        Assert.StartsWith("http://127.0.0.1:", azurite.ServiceUrl, StringComparison.Ordinal);
    }
}
