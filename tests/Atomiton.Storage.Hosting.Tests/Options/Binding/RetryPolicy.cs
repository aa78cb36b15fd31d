namespace Atomiton.Storage.Hosting.Tests.Options.Binding;

/// <summary>A nested options object.</summary>
public sealed class RetryPolicy
{
    public int Attempts { get; set; }
}
