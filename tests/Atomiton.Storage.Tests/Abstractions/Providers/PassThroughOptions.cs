namespace Atomiton.Storage.Tests.Abstractions.Providers;

/// <summary>The (empty) options of <see cref="PassThroughProvider"/>.</summary>
internal sealed class PassThroughOptions;
