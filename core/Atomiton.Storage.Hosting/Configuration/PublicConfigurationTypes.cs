namespace Atomiton.Storage.Hosting.Configuration;

// The plugins.json model is shared source (core/Shared/Configuration), compiled into this assembly and
// into the browser package. Its parts declare no accessibility; here, where it shipped in 1.0.0, it is public.

public sealed partial record ConfigurationProblem;

public sealed partial record PipelineDefinition;

public sealed partial record StageDefinition;

public sealed partial record StorageConfiguration;
