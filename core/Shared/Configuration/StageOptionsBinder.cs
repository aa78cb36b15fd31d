using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Atomiton.Storage.Hosting.Configuration;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Configuration;

namespace Atomiton.Storage.Hosting.Options;

/// <summary>
/// Binds a stage's <c>options</c> section onto its provider's options type (which lives in the
/// plugin's load context, hence reflection), resolves secret references and relative paths, and
/// validates the result with DataAnnotations (including <see cref="IValidatableObject"/>).
/// Every problem is recorded with its option; nothing is thrown for bad configuration.
/// </summary>
// Trimming (the browser package is trimmable): options types are the TOptions of StorageProvider<TOptions>,
// registered in the browser through BrowserStorageBuilder.AddProvider<TProvider, TOptions>, whose annotation keeps
// their public properties and parameterless constructor; option values are scalars (strings, numbers, booleans,
// enums, durations), whose converters are built in. The plugin host is not trimmed.
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Options types and their scalar option values are kept; see above.")]
[UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "As above.")]
[UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "As above.")]
internal static class StageOptionsBinder
{
    /// <summary>Builds the options object.</summary>
    /// <returns>The options, or null when a problem was recorded.</returns>
    public static object? Bind(StageBinding binding, List<ConfigurationProblem> problems)
    {
        var optionsType = binding.Provider.OptionsType;
        object options;
        try
        {
            options = Activator.CreateInstance(optionsType)!;
        }
        catch (TargetInvocationException e)
        {
            problems.Add(binding.Problem("(all)", "", $"provider '{binding.Provider.Name}' could not create its options ({optionsType.FullName}): {e.InnerException?.Message}"));
            return null;
        }

        var properties = optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        int before = problems.Count;
        var skipValidation = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in binding.Options.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                problems.Add(binding.Problem(child.Key, child.Key, RenamedDuration(child, properties.Values) is { } renamed
                    ? $"'{binding.Provider.Name}' has no option '{child.Key}' any more: durations are now written as \"hh:mm:ss\" or \"hh:mm:ss.fff\" under '{OptionName(renamed)}'. Replace it with \"{OptionName(renamed)}\": \"{DurationExample(child.Value)}\"."
                    : $"'{binding.Provider.Name}' has no option '{child.Key}'. Valid options: {StorageConfigurationReader.List(properties.Values.Select(p => OptionName(p)))}."));
                continue;
            }

            if (property.IsDefined(typeof(StorageSecretAttribute)))
            {
                BindSecret(binding, child, property, options, problems, skipValidation);
            }
            else
            {
                BindValue(binding, child, property, options, problems, skipValidation);
            }
        }

        ResolvePaths(options, properties.Values, binding.BaseDirectory);
        Validate(binding, options, skipValidation, problems);
        return problems.Count == before ? options : null;
    }

    /// <summary>
    /// The duration option that replaced an old <c>…Milliseconds</c> whole-number option: the
    /// <see cref="TimeSpan"/> option whose name starts with the old name without its suffix
    /// (<c>timeoutMilliseconds</c> → <c>timeout</c>, <c>recoveryProbeMilliseconds</c> → <c>recoveryProbeInterval</c>).
    /// </summary>
    private static PropertyInfo? RenamedDuration(IConfigurationSection child, IEnumerable<PropertyInfo> properties)
    {
        const string Suffix = "Milliseconds";
        if (!child.Key.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase) || child.Key.Length == Suffix.Length)
        {
            return null;
        }

        string stem = child.Key[..^Suffix.Length];
        var durations = properties.Where(p => (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) == typeof(TimeSpan)).ToList();
        return durations.FirstOrDefault(p => string.Equals(p.Name, stem, StringComparison.OrdinalIgnoreCase))
            ?? durations.FirstOrDefault(p => p.Name.StartsWith(stem, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An old milliseconds value written as a duration, or a sample duration when it is not a number.</summary>
    private static string DurationExample(string? milliseconds)
    {
        if (!double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value is < 0 or > 8.64e9)
        {
            return "00:00:30";
        }

        var duration = TimeSpan.FromMilliseconds(value);
        string text = duration.Days > 0 ? duration.ToString("d\\.hh\\:mm\\:ss", CultureInfo.InvariantCulture) : duration.ToString("hh\\:mm\\:ss", CultureInfo.InvariantCulture);
        return duration.Milliseconds == 0 ? text : text + "." + duration.Milliseconds.ToString("000", CultureInfo.InvariantCulture);
    }

    /// <summary>The name an option has in <c>plugins.json</c>: the property name in camelCase.</summary>
    internal static string OptionName(PropertyInfo property) =>
        char.ToLowerInvariant(property.Name[0]) + property.Name[1..];

    private static void BindSecret(StageBinding binding, IConfigurationSection child, PropertyInfo property, object options, List<ConfigurationProblem> problems, HashSet<string> skipValidation)
    {
        string option = OptionName(property);
        skipValidation.Add(property.Name);
        if (property.PropertyType != typeof(string))
        {
            problems.Add(binding.Problem(option, child.Key, $"'{option}' is marked as a secret but is of type {property.PropertyType.Name}; the provider must declare secret options as strings."));
            return;
        }

        var (value, problem, isMissing) = SecretReference.Resolve(child.Value, option, binding.BaseDirectory);
        if (problem is not null)
        {
            problems.Add(binding.Problem(option, child.Key, problem, isMissing));
            return;
        }

        property.SetValue(options, value);
        skipValidation.Remove(property.Name);
    }

    private static void BindValue(StageBinding binding, IConfigurationSection child, PropertyInfo property, object options, List<ConfigurationProblem> problems, HashSet<string> skipValidation)
    {
        string option = OptionName(property);

        // A value that did not bind is its option's one problem; validating the default left in its
        // place ("baseDir is required") would report the same cause twice.
        skipValidation.Add(property.Name);
        if (child.Value is null && child.GetChildren().Any() && TypeDescriptor.GetConverter(property.PropertyType).CanConvertFrom(typeof(string)))
        {
            // The binder would skip it silently and leave the default in place.
            problems.Add(binding.Problem(option, child.Key, $"an object or array is not a valid {Describe(property.PropertyType)} for '{option}'; write a single value."));
            return;
        }

        try
        {
            object? value = child.Get(property.PropertyType);
            if (value is not null || Nullable.GetUnderlyingType(property.PropertyType) is not null || !property.PropertyType.IsValueType)
            {
                property.SetValue(options, value);
            }

            skipValidation.Remove(property.Name);
        }
        catch (InvalidOperationException e)
        {
            problems.Add(binding.Problem(option, child.Key, child.Value is null
                ? $"the given object is not a valid {Describe(property.PropertyType)} for '{option}': {e.Message}"
                : $"'{child.Value}' is not a valid {Describe(property.PropertyType)} for '{option}'."));
        }
    }

    private static void ResolvePaths(object options, IEnumerable<PropertyInfo> properties, string baseDirectory)
    {
        foreach (var property in properties)
        {
            if (property.PropertyType == typeof(string)
                && property.IsDefined(typeof(StoragePathAttribute))
                && property.GetValue(options) is string { Length: > 0 } path
                && !Path.IsPathFullyQualified(path))
            {
                property.SetValue(options, Path.GetFullPath(Path.Combine(baseDirectory, path)));
            }
        }
    }

    private static void Validate(StageBinding binding, object options, HashSet<string> skipValidation, List<ConfigurationProblem> problems)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return;
        }

        foreach (var result in results)
        {
            var members = result.MemberNames.ToList();
            if (members.Any(skipValidation.Contains))
            {
                // Already reported: an unresolved secret or a value that did not bind. A rule over
                // several options ("exactly one of key or passphrase") follows from that one cause.
                continue;
            }

            string? member = members.FirstOrDefault();
            var property = member is null ? null : options.GetType().GetProperty(member);
            string option = property is null ? member ?? "(options)" : OptionName(property);
            string key = FindKey(binding.Options, member) ?? option;
            problems.Add(binding.Problem(option, member is null ? "" : key, result.ErrorMessage ?? $"'{option}' is invalid."));
        }
    }

    private static string? FindKey(IConfigurationSection options, string? member) =>
        member is null ? null : options.GetChildren().FirstOrDefault(c => string.Equals(c.Key, member, StringComparison.OrdinalIgnoreCase))?.Key;

    private static string Describe(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short) => "whole number",
            _ when underlying == typeof(double) || underlying == typeof(decimal) || underlying == typeof(float) => "number",
            _ when underlying == typeof(bool) => "boolean (true or false)",
            _ when underlying == typeof(string) => "string",
            _ when underlying == typeof(TimeSpan) => "duration (hh:mm:ss)",
            _ when underlying.IsEnum => $"value (one of: {string.Join(", ", Enum.GetNames(underlying))})",
            _ => underlying.Name,
        };
    }
}
