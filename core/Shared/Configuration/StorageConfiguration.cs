namespace Atomiton.Storage.Hosting.Configuration;

/// <summary>What <c>plugins.json</c> (with environment overrides) declares, read but not yet checked against the catalogue.</summary>
sealed partial record StorageConfiguration
{
    /// <summary>The file's name for messages (for example <c>plugins.json</c>).</summary>
    public required string File { get; init; }

    /// <summary>The folder relative paths resolve against: the folder of the file.</summary>
    public required string BaseDirectory { get; init; }

    /// <summary>The plugin directories, as absolute paths.</summary>
    public required IReadOnlyList<string> PluginDirectories { get; init; }

    /// <summary>The pipeline the plain <see cref="IStorageEngine"/> resolves to; null when none is declared.</summary>
    public string? DefaultPipeline { get; init; }

    /// <summary>The pipeline that keeps every stage's credentials (<c>"credentials"</c>); null: the user's encrypted credential folder (the host's <c>StorageHostOptions.CredentialFolder</c>).</summary>
    public string? CredentialPipeline { get; init; }

    /// <summary>The stages by name (names compare case-insensitively, as configuration keys do).</summary>
    public required IReadOnlyDictionary<string, StageDefinition> Stages { get; init; }

    /// <summary>The pipelines by name (case-insensitive).</summary>
    public required IReadOnlyDictionary<string, PipelineDefinition> Pipelines { get; init; }

    /// <summary>Problems found while reading (for example a pipeline without a chain).</summary>
    public required IReadOnlyList<ConfigurationProblem> Problems { get; init; }
}
