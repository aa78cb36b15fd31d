namespace Atomiton.Storage.Resilience.Audit;

/// <summary>
/// The identity the <c>audit</c> stage records for calls made in the current asynchronous flow
/// (a request, a job): <c>using (AuditCaller.Begin(user.Name)) { … }</c>.
/// </summary>
public static class AuditCaller
{
    private static readonly AsyncLocal<string?> Ambient = new();

    /// <summary>The caller of the current flow, or null.</summary>
    public static string? Current => Ambient.Value;

    /// <summary>Sets the caller until the returned scope is disposed (then the previous one is restored).</summary>
    public static IDisposable Begin(string caller)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(caller);
        var previous = Ambient.Value;
        Ambient.Value = caller;
        return new Scope(previous);
    }

    private sealed class Scope(string? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
