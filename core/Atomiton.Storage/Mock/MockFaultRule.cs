namespace Atomiton.Storage.Mock;

/// <summary>A standing fault rule of a <see cref="MockFaultScript"/>; disposing it removes it.</summary>
internal sealed class MockFaultRule(MockFaultScript owner, Func<MockOperation, string?, bool> predicate, MockFault fault) : IDisposable
{
    public Func<MockOperation, string?, bool> Predicate { get; } = predicate;

    public MockFault Fault { get; } = fault;

    public void Dispose() => owner.Remove(this);
}
