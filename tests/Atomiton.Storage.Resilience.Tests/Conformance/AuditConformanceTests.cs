using Atomiton.Storage.Memory;
using Atomiton.Storage.Resilience.Audit;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Resilience.Tests.Conformance;

/// <summary>The whole conformance kit through the audit stage over memory, recording to another memory pipeline.</summary>
public sealed class AuditConformanceTests : StorageConformanceTests
{
    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        ValueTask.FromResult<IStorageEngine>(new AuditEngine(new MemoryEngine(), new PipelineAuditSink(new MemoryEngine()), "kit", "audit", new AuditOptions { IncludeReads = false }));
}
