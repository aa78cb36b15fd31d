namespace Atomiton.Storage.Hosting.Configuration;

/// <summary>
/// One thing wrong with the configuration, located precisely: the file, the JSON path, and the
/// pipeline, stage and option involved. Never contains a secret's value.
/// </summary>
sealed partial record ConfigurationProblem
{
    /// <summary>The configuration file, as the user named it (for example <c>plugins.json</c>).</summary>
    public required string File { get; init; }

    /// <summary>Where in the file, such as <c>$.stages.vault.options.key</c>.</summary>
    public required string JsonPath { get; init; }

    /// <summary>The pipeline being checked, when there is one.</summary>
    public string? Pipeline { get; init; }

    /// <summary>
    /// Further pipelines the same problem stops, beside <see cref="Pipeline"/>: a problem of a stage
    /// that several pipelines use is one problem, reported once.
    /// </summary>
    public IReadOnlyList<string> OtherPipelines { get; init; } = [];

    /// <summary>The stage involved, when there is one.</summary>
    public string? Stage { get; init; }

    /// <summary>The option involved, when there is one.</summary>
    public string? Option { get; init; }

    /// <summary>What is wrong and what to do, listing the valid choices where there are some.</summary>
    public required string Message { get; init; }

    /// <summary>
    /// True when the only problem is that a secret reference points at an unset variable or a
    /// missing file: such a problem matters only to a pipeline that is actually built.
    /// </summary>
    public bool IsMissingSecret { get; init; }

    /// <summary>
    /// The problem as one line: <c>file: $.path (pipeline 'p', stage 's', option 'o'): message</c>
    /// (<c>pipelines 'p', 'q'</c> when it stops several).
    /// </summary>
    public override string ToString()
    {
        var context = new List<string>(3);
        if (Pipeline is not null)
        {
            context.Add(OtherPipelines.Count == 0
                ? $"pipeline '{Pipeline}'"
                : $"pipelines {string.Join(", ", OtherPipelines.Prepend(Pipeline).Select(name => $"'{name}'"))}");
        }

        if (Stage is not null)
        {
            context.Add($"stage '{Stage}'");
        }

        if (Option is not null)
        {
            context.Add($"option '{Option}'");
        }

        string where = context.Count == 0 ? "" : $" ({string.Join(", ", context)})";
        return $"{File}: {JsonPath}{where}: {Message}";
    }
}
