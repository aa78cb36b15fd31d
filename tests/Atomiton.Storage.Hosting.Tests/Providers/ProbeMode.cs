namespace Atomiton.Storage.Hosting.Tests.Providers;

public enum ProbeMode
{
    Relaxed,
    Strict,
}
