using System.Collections.Concurrent;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser.TestHost;

/// <summary>Hands the IJSRuntime of each page's circuit (registered under the page's <c>?id=</c>) to the tests.</summary>
public sealed class CircuitRegistry
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<IJSRuntime>> _pages = new(StringComparer.Ordinal);

    /// <summary>Called by the probe page once it is interactive.</summary>
    public void Register(string id, IJSRuntime runtime) => Slot(id).TrySetResult(runtime);

    /// <summary>The runtime of the page opened with <paramref name="id"/>, once it is interactive.</summary>
    public Task<IJSRuntime> WaitAsync(string id, CancellationToken cancellationToken) => Slot(id).Task.WaitAsync(cancellationToken);

    private TaskCompletionSource<IJSRuntime> Slot(string id) =>
        _pages.GetOrAdd(id, _ => new TaskCompletionSource<IJSRuntime>(TaskCreationOptions.RunContinuationsAsynchronously));
}
