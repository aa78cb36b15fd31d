namespace Atomiton.Storage.Testing.ModelCheck;

/// <summary>The engine's result differed from the dictionary model's; the message says at which step and how.</summary>
#pragma warning disable CA1032 // Raised only by the model runner, always with a message.
internal sealed class ModelMismatchException(string message) : Exception(message);
#pragma warning restore CA1032
