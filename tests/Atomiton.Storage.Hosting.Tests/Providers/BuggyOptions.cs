namespace Atomiton.Storage.Hosting.Tests.Providers;

/// <summary>Options of the <c>buggy</c> backend.</summary>
public sealed class BuggyOptions
{
    /// <summary>The name under which the engine counts the calls that reach it (<see cref="BuggyEngine.Calls"/>).</summary>
    public string Tag { get; set; } = "";
}
