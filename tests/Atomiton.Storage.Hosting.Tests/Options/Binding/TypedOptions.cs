using Atomiton.Storage.Hosting.Tests.Providers;

namespace Atomiton.Storage.Hosting.Tests.Options.Binding;

/// <summary>One option of every type the binder describes, and a nested object.</summary>
public sealed class TypedOptions
{
    public int Count { get; set; }

    public long Bytes { get; set; }

    public short Small { get; set; }

    public double Ratio { get; set; }

    public decimal Price { get; set; }

    public float Weight { get; set; }

    public bool Enabled { get; set; }

    public TimeSpan Delay { get; set; }

    public ProbeMode Mode { get; set; }

    public int? Limit { get; set; }

    public Guid Id { get; set; }

    public string? Label { get; set; }

    public RetryPolicy? Retry { get; set; }
}
