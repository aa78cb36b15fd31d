using System.ComponentModel.DataAnnotations;

namespace CompanyNamespacePlaceholder;

/// <summary>
/// Options of the <c>provider-key-placeholder</c> provider, bound from the stage's <c>options</c> in
/// plugins.json and validated with DataAnnotations before the engine is built.
/// Add your backend's settings here. Mark secrets with <c>[StorageSecret]</c>: plugins.json must then
/// give them as <c>env:NAME</c> or <c>file:PATH</c> references, never literals.
/// </summary>
public sealed class ProviderNameOptions
{
    /// <summary>The most bytes the engine holds; null for no limit.</summary>
    [Range(1, long.MaxValue)]
    public long? MaxBytes { get; set; }
}
