using System.ComponentModel.DataAnnotations;

namespace Json12Plugin;

/// <summary>Options of the json12-stamp wrapper.</summary>
public sealed class StampOptions
{
    /// <summary>The label written into the stamp.</summary>
    [Required]
    [RegularExpression("^[a-z0-9-]+$")]
    public string Label { get; set; } = "json12";
}
