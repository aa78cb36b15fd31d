namespace Atomiton.Storage.Providers;

/// <summary>What a provider receives when it builds an engine. Engines take time and logging from here, never from statics.</summary>
public sealed record StorageProviderContext
{
    /// <summary>The pipeline being built.</summary>
    public required string PipelineName { get; init; }

    /// <summary>The stage of that pipeline being built.</summary>
    public required string StageName { get; init; }

    /// <summary>For a wrapper, the engine beneath it; null for a backend.</summary>
    public IStorageEngine? Inner { get; init; }

    /// <summary>The clock to use (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where to log; never log content or secrets.</summary>
    public IStorageLogger Logger { get; init; } = NullStorageLogger.Instance;

    /// <summary>The folder relative paths in options resolve against (the folder of <c>plugins.json</c>).</summary>
    public string BaseDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Builds another pipeline of the same configuration by name (for stages such as failover or mirror); null when there is none.</summary>
    public Func<string, CancellationToken, ValueTask<IStorageEngine>>? ResolvePipeline { get; init; }

    /// <summary>The application's services, when the host runs inside dependency injection.</summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>This stage's credential store (tokens the provider writes back, such as rotating refresh tokens); null when the host offers none.</summary>
    public IStorageCredentialStore? Credentials { get; init; }

    /// <summary>How to ask the user for consent; set only while the host runs a sign-in (<c>atomiton-storage auth login</c>), null otherwise.</summary>
    public IStorageAuthorizationPrompt? AuthorizationPrompt { get; init; }

    /// <summary>The error a provider throws when it needs a sign-in it does not have: names this pipeline and stage and the command to run.</summary>
    /// <param name="reason">Why, without secrets (for example <c>the refresh token was revoked</c>).</param>
    /// <param name="provider">The provider's name, such as <c>dropbox</c>.</param>
    public StorageException AuthorizationRequired(string reason, string? provider = null) =>
        StorageException.AuthorizationRequired(PipelineName, StageName, reason, provider);
}
