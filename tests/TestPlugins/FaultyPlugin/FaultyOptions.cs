namespace FaultyPlugin;

/// <summary>Options of the faulty backend (none are needed).</summary>
public sealed class FaultyOptions
{
}
