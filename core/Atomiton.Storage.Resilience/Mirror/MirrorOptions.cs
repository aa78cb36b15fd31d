using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Resilience.Mirror;

/// <summary>
/// Options of the <c>mirror</c> stage. The stage beneath it in the chain is the first member
/// (the primary); <see cref="Members"/> names the other pipelines.
/// </summary>
public sealed class MirrorOptions
{
    /// <summary>The other member pipelines (names declared in <c>plugins.json</c>), in order of read preference; at least one.</summary>
    [Required]
    public IList<string> Members { get; set; } = [];

    /// <summary>
    /// How many members (the primary included) must store a write for it to succeed; null for a
    /// majority. Between 1 and the number of members.
    /// </summary>
    [Range(1, 100)]
    public int? WriteQuorum { get; set; }
}
