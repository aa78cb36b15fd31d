namespace Atomiton.Storage.Resilience.Failover;

/// <summary>A key a secondary member wrote (saved, deleted, moved or copied to) while the primary could not serve.</summary>
/// <param name="Key">The key.</param>
/// <param name="Member">The secondary that served the key's last such write (a name in <see cref="FailoverEngine.Members"/>).</param>
/// <param name="Sequence">Orders the stage's recorded writes; a later write of the key records a higher one, so a stale snapshot cannot forget it.</param>
public sealed record FailoverDivergedKey(string Key, string Member, long Sequence);
