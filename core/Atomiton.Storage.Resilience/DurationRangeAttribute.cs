using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Atomiton.Storage.Resilience;

/// <summary>
/// <c>[Range(typeof(TimeSpan), min, max)]</c> without the type converter that trimming cannot keep:
/// the bounds are written <c>"d.hh:mm:ss.fff"</c>; null (an unset optional duration) is valid.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
internal sealed class DurationRangeAttribute : ValidationAttribute
{
    public DurationRangeAttribute(string minimum, string maximum)
        : base("The field {0} must be a duration between {1} and {2} (written \"hh:mm:ss\" or \"hh:mm:ss.fff\").")
    {
        Minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
        Maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
    }

    public TimeSpan Minimum { get; }

    public TimeSpan Maximum { get; }

    public override bool IsValid(object? value) => value is not TimeSpan duration || (duration >= Minimum && duration <= Maximum);

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.InvariantCulture, ErrorMessageString, name, Minimum.ToString("c", CultureInfo.InvariantCulture), Maximum.ToString("c", CultureInfo.InvariantCulture));
}
