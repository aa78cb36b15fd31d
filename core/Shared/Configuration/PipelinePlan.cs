namespace Atomiton.Storage.Hosting.Pipelines;

/// <summary>A pipeline whose chain and options passed every check, outermost stage first.</summary>
/// <param name="Name">The pipeline's name.</param>
/// <param name="Stages">The stages, outermost first; the last is the backend.</param>
internal sealed record PipelinePlan(string Name, IReadOnlyList<PlannedStage> Stages);
