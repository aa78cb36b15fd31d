using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Options.Binding;

/// <summary>A required secret, and a secret the provider wrongly declares as a number.</summary>
public sealed class SecretOptions
{
    [Required]
    [StorageSecret]
    public string? Token { get; set; }

    [StorageSecret]
    public int Pin { get; set; }
}
