using Atomiton.Storage.Hosting.Configuration;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Configuration;

namespace Atomiton.Storage.Hosting.Options;

/// <summary>Everything needed to bind and validate one stage's options, and to locate a problem with them.</summary>
/// <param name="File">The configuration file's name.</param>
/// <param name="Pipeline">The pipeline being planned.</param>
/// <param name="Stage">The stage's name (for a chain element naming a type directly, that type).</param>
/// <param name="Options">The stage's <c>options</c> section.</param>
/// <param name="OptionsPath">The configuration path problems are located under (the options section, or the chain element naming a type directly).</param>
/// <param name="Provider">The provider whose options type is bound.</param>
/// <param name="BaseDirectory">The folder relative paths resolve against.</param>
/// <param name="IsDirectType">
/// Whether the chain names the provider type itself, so there is no options section in the file:
/// problems are then located at the chain element, with how to declare a stage that has options.
/// </param>
internal sealed record StageBinding(string File, string Pipeline, string Stage, IConfigurationSection Options, string OptionsPath, IStorageProvider Provider, string BaseDirectory, bool IsDirectType = false)
{
    public ConfigurationProblem Problem(string option, string configurationKey, string message, bool isMissingSecret = false) => new()
    {
        File = File,
        JsonPath = configurationKey.Length == 0 || IsDirectType ? JsonPath.FromConfigurationPath(OptionsPath) : JsonPath.Combine(OptionsPath, configurationKey),
        Pipeline = Pipeline,
        Stage = Stage,
        Option = option,
        Message = IsDirectType
            ? $"{message} The chain names the type '{Provider.Name}' directly, which gives it no options: declare a stage under stages with \"type\": \"{Provider.Name}\" and its options, and name that stage in the chain instead."
            : message,
        IsMissingSecret = isMissingSecret,
    };
}
