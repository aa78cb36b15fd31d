namespace Atomiton.Storage.Hosting.Tests.Options.Binding;

/// <summary>Options whose constructor throws, as one reading a missing default file might.</summary>
public sealed class ThrowingOptions
{
    public ThrowingOptions() => throw new InvalidOperationException("defaults.json is missing");

    public int Size { get; set; }
}
