using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Hosting.Tests.Options.Binding;

/// <summary>Options with a rule about the whole object, reported without a member name.</summary>
public sealed class WholeObjectRuleOptions : IValidatableObject
{
    public int Min { get; set; }

    public int Max { get; set; } = 10;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Min > Max)
        {
            yield return new ValidationResult("min must not exceed max.");
        }
    }
}
