using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Providers;

/// <summary>Options exercising every binding feature: secrets, paths, ranges, durations, enums and a cross-field rule.</summary>
public sealed class ProbeOptions : IValidatableObject
{
    [StorageSecret]
    public string? ApiKey { get; set; }

    [StoragePath]
    public string? Root { get; set; }

    [Range(1, 100)]
    public int Size { get; set; } = 10;

    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(5);

    public ProbeMode Mode { get; set; }

    /// <summary>When set, the engine registers itself in <see cref="ProbeEngine.Built"/> under this tag, so a test can observe it.</summary>
    public string? Tag { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode == ProbeMode.Strict && Root is null)
        {
            yield return new ValidationResult("root is required when mode is Strict.", [nameof(Root)]);
        }
    }
}
