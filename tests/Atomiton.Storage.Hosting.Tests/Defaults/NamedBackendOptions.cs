using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Defaults;

internal sealed class NamedBackendOptions
{
    [StoragePath]
    public string? BaseDir { get; set; }
}
