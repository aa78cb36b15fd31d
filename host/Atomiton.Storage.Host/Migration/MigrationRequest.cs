namespace Atomiton.Storage.Host.Migration;

/// <summary>What <c>migrate</c> was asked to do.</summary>
/// <param name="From">The source pipeline.</param>
/// <param name="To">The target pipeline.</param>
/// <param name="Prefix">Only keys starting with this.</param>
/// <param name="DryRun">Report what would be copied; write nothing.</param>
/// <param name="Parallel">How many objects are copied at once.</param>
/// <param name="DeleteSource">Delete each source object after the whole copy is verified.</param>
/// <param name="CheckpointFile">Where progress is recorded so an interrupted run resumes.</param>
internal sealed record MigrationRequest(string From, string To, string Prefix, bool DryRun, int Parallel, bool DeleteSource, string CheckpointFile);
