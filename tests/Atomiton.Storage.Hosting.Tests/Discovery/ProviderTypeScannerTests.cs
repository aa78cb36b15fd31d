using Atomiton.Storage.Hosting.Discovery;
using Atomiton.Storage.Hosting.Tests.Discovery.Unusable;
using Atomiton.Storage.Hosting.Tests.Providers;

namespace Atomiton.Storage.Hosting.Tests.Discovery;

/// <summary>Provider types the host cannot use are reported one by one; the usable ones beside them still register.</summary>
public sealed class ProviderTypeScannerTests
{
    [Fact]
    public void Each_unusable_provider_type_is_reported_with_why_and_usable_ones_are_kept()
    {
        var (providers, problems) = ProviderTypeScanner.Scan(
        [
            typeof(ProbeProvider), typeof(NeedsArgumentProvider), typeof(ThrowingConstructorProvider),
            typeof(BadNameProvider), typeof(AbstractOptionsProvider), typeof(UnknownKindProvider), typeof(ProbeOptions),
            typeof(ThrowingStaticInitializerProvider), typeof(ThrowingLazyStaticProvider), typeof(ThrowingNameProvider), typeof(ThrowingKindProvider),
        ]);

        Assert.Equal(["probe"], providers.Select(p => p.Name));
        Assert.Equal(
            [
                "provider 'abstract-options' (Atomiton.Storage.Hosting.Tests.Discovery.Unusable.AbstractOptionsProvider) has options type 'System.IO.Stream', which is not a class with a public parameterless constructor.",
                "provider type 'Atomiton.Storage.Hosting.Tests.Discovery.Unusable.BadNameProvider' has the name 'Bad_Name'; a provider name is lowercase letters, digits and '-', starting with a letter or digit.",
                "provider type 'Atomiton.Storage.Hosting.Tests.Discovery.Unusable.NeedsArgumentProvider' has no public parameterless constructor, so the host cannot create it. Add one.",
                "provider type 'Atomiton.Storage.Hosting.Tests.Discovery.Unusable.ThrowingConstructorProvider' threw InvalidOperationException from its constructor: no licence file",
                "provider type 'Atomiton.Storage.Hosting.Tests.Discovery.Unusable.ThrowingKindProvider' threw NotImplementedException while describing itself: kind is decided later",
                "provider type 'Atomiton.Storage.Hosting.Tests.Discovery.Unusable.ThrowingLazyStaticProvider' threw InvalidDataException from its static initializer: suffix.txt is empty",
                "provider type 'Atomiton.Storage.Hosting.Tests.Discovery.Unusable.ThrowingNameProvider' threw InvalidOperationException while describing itself: name not configured",
                "provider type 'Atomiton.Storage.Hosting.Tests.Discovery.Unusable.ThrowingStaticInitializerProvider' threw FileNotFoundException from its static initializer: licence.key was not found",
                "provider 'unknown-kind' (Atomiton.Storage.Hosting.Tests.Discovery.Unusable.UnknownKindProvider) declares an unknown kind 7; use Backend or Wrapper.",
            ],
            problems);
    }
}
