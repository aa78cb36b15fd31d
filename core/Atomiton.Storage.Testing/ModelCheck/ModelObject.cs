namespace Atomiton.Storage.Testing.ModelCheck;

/// <summary>What the model holds for one key: its content and the ETag the engine reported when it was written.</summary>
internal sealed record ModelObject(byte[] Content, string ETag);
