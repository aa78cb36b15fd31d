namespace Atomiton.Storage.Tests.Serialization;

public sealed class CyclicNode
{
    public CyclicNode? Next { get; set; }
}
