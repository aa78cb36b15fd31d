namespace Atomiton.Storage.Emulators;

/// <summary>
/// A local server that follows a service's published API on loopback, started by tests and by
/// <c>atomiton-storage emulate &lt;name&gt;</c> for offline development. Listed in <see cref="EmulatorCatalog"/>.
/// </summary>
public interface IStorageEmulator
{
    /// <summary>The name given to <c>emulate</c>, such as <c>gdrive</c>: lowercase letters, digits and '-'.</summary>
    string Name { get; }

    /// <summary>One line saying what it emulates and which published reference it follows.</summary>
    string Description { get; }

    /// <summary>Starts the emulator on loopback.</summary>
    /// <param name="options">Port and data folder.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop.</returns>
    Task<RunningEmulator> StartAsync(EmulatorStartOptions options, CancellationToken cancellationToken = default);
}

/// <summary>How to start an emulator.</summary>
public sealed record EmulatorStartOptions
{
    /// <summary>The loopback port of the main address; 0 (the default) picks a free port. Secondary addresses always take free ports.</summary>
    public int Port { get; init; }
}

/// <summary>A started emulator: its addresses, what a client needs to reach it, and how to stop it.</summary>
public sealed class RunningEmulator : IAsyncDisposable
{
    private readonly Func<ValueTask> _stop;
    private int _stopped;

    /// <summary>Describes a started emulator.</summary>
    /// <param name="name">The emulator's name.</param>
    /// <param name="addresses">Its addresses by role, such as <c>api</c>, <c>content</c>, <c>oauth</c>; the first is the main one.</param>
    /// <param name="settings">What a client configures to use it (option names and values, such as a stage's base address and client id); never a secret the user did not choose.</param>
    /// <param name="stop">Stops it; called once.</param>
    public RunningEmulator(string name, IReadOnlyList<KeyValuePair<string, Uri>> addresses, IReadOnlyList<KeyValuePair<string, string>> settings, Func<ValueTask> stop)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(stop);
        if (addresses.Count == 0)
        {
            throw new ArgumentException("An emulator has at least one address.", nameof(addresses));
        }

        Name = name;
        Addresses = addresses;
        Settings = settings;
        _stop = stop;
    }

    /// <summary>The emulator's name.</summary>
    public string Name { get; }

    /// <summary>Its addresses by role; the first is the main one.</summary>
    public IReadOnlyList<KeyValuePair<string, Uri>> Addresses { get; }

    /// <summary>What a client configures to use it.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; }

    /// <summary>Stops the emulator (once; later calls do nothing).</summary>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _stopped, 1) == 0 ? _stop() : ValueTask.CompletedTask;
}
