using Atomiton.Storage.Memory;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Resilience.Failover;

namespace Atomiton.Storage.Resilience.Tests.Failover;

public sealed class FailoverProviderTests
{
    [Fact]
    public async Task Provider_resolves_member_pipelines_by_name()
    {
        var resolved = new List<string>();
        var context = new StorageProviderContext
        {
            PipelineName = "main",
            StageName = "failover",
            Inner = new MemoryEngine(),
            ResolvePipeline = (name, ct) =>
            {
                resolved.Add(name);
                return ValueTask.FromResult<IStorageEngine>(new MemoryEngine());
            },
        };

        await using var engine = (FailoverEngine)await new FailoverProvider().CreateAsync(new FailoverOptions { Members = ["backup", "archive"] }, context);

        Assert.Equal(["backup", "archive"], resolved);
        Assert.Equal(["failover:primary", "backup", "archive"], engine.Members.Select(m => m.Name));
        Assert.Equal(StorageProviderKind.Wrapper, new FailoverProvider().Kind);
    }

    [Theory]
    [InlineData(new string[0], "at least one member")]
    [InlineData(new[] { "main" }, "'main'")]
    [InlineData(new[] { "backup", "backup" }, "'backup'")]
    public async Task Provider_refuses_members_that_cannot_work(string[] members, string expected)
    {
        var disposed = 0;
        var context = new StorageProviderContext
        {
            PipelineName = "main",
            StageName = "failover",
            Inner = new MemoryEngine(),
            ResolvePipeline = (name, ct) => ValueTask.FromResult<IStorageEngine>(new DisposalCountingEngine(() => disposed++)),
        };

        var error = await Assert.ThrowsAsync<StorageException>(() => new FailoverProvider().CreateAsync(new FailoverOptions { Members = members }, context).AsTask());

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("stage 'failover' of pipeline 'main'", error.Message, StringComparison.Ordinal);
        Assert.Equal(members.Length > 1 ? 1 : 0, disposed);
    }

    [Fact]
    public async Task Provider_without_a_pipeline_resolver_is_an_invalid_configuration()
    {
        var context = new StorageProviderContext { PipelineName = "main", StageName = "failover", Inner = new MemoryEngine() };

        var error = await Assert.ThrowsAsync<StorageException>(() => new FailoverProvider().CreateAsync(new FailoverOptions { Members = ["backup"] }, context).AsTask());

        Assert.Contains("ResolvePipeline", error.Message, StringComparison.Ordinal);
    }

    private sealed class DisposalCountingEngine(Action disposed) : DelegatingStorageEngine(new MemoryEngine())
    {
        public override string EngineType => "counting";

        protected override ValueTask DisposeCoreAsync()
        {
            disposed();
            return base.DisposeCoreAsync();
        }
    }
}
