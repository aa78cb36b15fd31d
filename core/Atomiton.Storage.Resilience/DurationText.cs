using System.Globalization;

namespace Atomiton.Storage.Resilience;

/// <summary>Durations as the stages write them in messages and logs: "250 ms", "10 s", "1.5 min", "2 h".</summary>
internal static class DurationText
{
    public static string Describe(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => Format(duration.TotalMilliseconds, "ms"),
        { TotalMinutes: < 1 } => Format(duration.TotalSeconds, "s"),
        { TotalHours: < 1 } => Format(duration.TotalMinutes, "min"),
        _ => Format(duration.TotalHours, "h"),
    };

    private static string Format(double value, string unit) => value.ToString("0.###", CultureInfo.InvariantCulture) + " " + unit;
}
