namespace Atomiton.Storage.Cloud.Server.State;

/// <summary>
/// What a write will leave under one engine key, for quota checks made before the write: the object's
/// size afterwards, or null when the write removes the key (the source of a move).
/// </summary>
internal readonly record struct QuotaClaim(string Key, long? Size);
