using System.Globalization;
using System.Runtime.CompilerServices;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Mirror;

/// <summary>
/// The <c>mirror</c> stage: writes go to every member and succeed when
/// <see cref="MirrorOptions.WriteQuorum"/> members stored them; reads come from the first member
/// that has not missed a write of that key, falling back to the next on failure. A member that
/// missed writes is reported (<see cref="Members"/>, <c>GetInfo</c> details, health Degraded)
/// until it stores that key again.
/// </summary>
/// <remarks>
/// <para>Unconditional saves stream to all members at once, reading the content once.
/// Conditional writes (create-only, if-match) are decided by the first member, the primary: its
/// ETag is the one callers see and pass back. They run on the primary first and are then copied
/// from it to the others; with the primary down they fail with its error.</para>
/// <para>When a write misses its quorum it throws, and the members that did store it keep it; they
/// are ahead, the others are reported as lagging.</para>
/// </remarks>
public sealed class MirrorEngine : DelegatingStorageEngine
{
    /// <summary>The engine and provider type name, <c>mirror</c>.</summary>
    public const string TypeName = "mirror";

    private readonly MirrorMember[] _members;
    private readonly IStorageLogger _logger;

    /// <summary>Creates the stage.</summary>
    /// <param name="primary">The stage beneath: the first member, owned by this stage.</param>
    /// <param name="secondaries">The other members by name, in order of read preference; owned by this stage.</param>
    /// <param name="options">The write quorum (<see cref="MirrorOptions.Members"/> is not read here).</param>
    /// <param name="logger">Where missed writes are logged; null for nowhere.</param>
    /// <param name="primaryName">The primary's name in status reports.</param>
    /// <exception cref="StorageException">InvalidConfiguration: no secondary, or a quorum above the member count.</exception>
    public MirrorEngine(IStorageEngine primary, IEnumerable<KeyValuePair<string, IStorageEngine>> secondaries, MirrorOptions? options = null, IStorageLogger? logger = null, string primaryName = "primary")
        : base(primary, ownsInner: true)
    {
        ArgumentNullException.ThrowIfNull(secondaries);
        _members = [new MirrorMember(primaryName, primary), .. secondaries.Select(pair => new MirrorMember(pair.Key, pair.Value))];
        Quorum = options?.WriteQuorum ?? (_members.Length / 2) + 1;
        if (_members.Length < 2 || Quorum < 1 || Quorum > _members.Length)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"The mirror stage has {_members.Length} members and WriteQuorum {Quorum}: it needs at least one other member (option Members) and a quorum between 1 and the member count.")
            { Provider = TypeName, Operation = "create" };
        }

        _logger = logger ?? NullStorageLogger.Instance;
    }

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <summary>
    /// What every member can do, less NativeCopy and NativeMove (a mirrored copy or move runs through this
    /// engine's load and save) and the change feed (each member has its own cursors).
    /// </summary>
    public override StorageCapabilities Capabilities =>
        MemberComposition.Capabilities(_members.Select(member => member.Engine)) & ~(StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove);

    /// <summary>The restrictions of any member: one case-folding member makes the whole mirror case-insensitive.</summary>
    public override StorageTraits Traits => MemberComposition.Traits(_members.Select(member => member.Engine), Capabilities);

    /// <summary>The most restrictive combination of the members' key rules: a key the mirror accepts fits every member.</summary>
    public override StorageKeyRules KeyRules => MemberComposition.KeyRules(_members.Select(member => member.Engine));

    /// <summary>
    /// Unordered mirrors issue their own tokens (naming the member that listed); ordered ones resume by key,
    /// which every member understands.
    /// </summary>
    protected override bool HandlesContinuationTokens => !Capabilities.HasFlag(StorageCapabilities.OrderedList);

    /// <summary>How many members must store a write.</summary>
    public int Quorum { get; }

    /// <summary>Every member's state, primary first.</summary>
    public IReadOnlyList<MirrorMemberStatus> Members => [.. _members.Select(member => member.Snapshot())];

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        if (options.Condition.Kind != WriteConditionKind.None)
        {
            var decided = await _members[0].Engine.SaveAsync(key, content, options, cancellationToken);
            _members[0].RecordCaughtUp(key);
            await ReplicateFromPrimaryAsync(key, cancellationToken);
            return decided;
        }

        var outcomes = await ContentFanOut.SaveAsync([.. _members.Select(m => m.Engine)], key, content, options, cancellationToken);
        Settle(StorageOperation.Save, key, [.. outcomes.Select(outcome => outcome.Error)], alreadyStored: 0);
        return outcomes.First(outcome => outcome.Item is not null).Item!;
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        bool? primaryDeleted = null;
        int start = 0;
        if (options.IfMatch is not null)
        {
            primaryDeleted = await _members[0].Engine.DeleteAsync(key, options, cancellationToken);
            _members[0].RecordCaughtUp(key);
            start = 1;
        }

        var targets = _members.Skip(start).ToArray();
        var outcomes = await Task.WhenAll(targets.Select(member => DeleteOneAsync(member.Engine, key, cancellationToken)));
        var errors = new StorageException?[_members.Length];
        for (int i = 0; i < outcomes.Length; i++)
        {
            errors[i + start] = outcomes[i].Error;
        }

        Settle(StorageOperation.Delete, key, errors, alreadyStored: start);
        return primaryDeleted ?? outcomes.Any(outcome => outcome.Deleted);
    }

    /// <inheritdoc />
    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken) =>
        ReadAsync(StorageOperation.Load, key, (engine, ct) => engine.OpenReadAsync(key, options, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        ReadAsync(StorageOperation.Stat, key, (engine, ct) => engine.StatAsync(key, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken) =>
        ReadAsync(StorageOperation.Exists, key, (engine, ct) => engine.ExistsAsync(key, ct), cancellationToken);

    /// <summary>
    /// Deletes the keys on every member (each in its own batches); a key is deleted when the quorum deleted it,
    /// and a member that missed it is reported as lagging, as for a single delete.
    /// </summary>
    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var outcomes = await Task.WhenAll(_members.Select(member => DeleteManyOneAsync(member.Engine, keys, cancellationToken)));
        var results = new StorageDeleteResult[keys.Count];
        for (int k = 0; k < keys.Count; k++)
        {
            var errors = outcomes.Select(outcome => outcome.Error ?? outcome.Results![k].Error).ToArray();
            bool deleted = outcomes.Any(outcome => outcome.Results is { } done && done[k].Deleted);
            try
            {
                Settle(StorageOperation.Delete, keys[k], errors, alreadyStored: 0);
                results[k] = new StorageDeleteResult(keys[k], deleted);
            }
            catch (StorageException e)
            {
                results[k] = new StorageDeleteResult(keys[k], false, e);
            }
        }

        return results;
    }

    /// <summary>
    /// Lists from the first member that missed no write. When every member lists in order, a listing that
    /// fails part-way resumes on the next member after the last key returned; an unordered listing cannot (a
    /// member's tokens mean nothing to another), so it moves on only before its first entry, and its tokens
    /// name the member that issued them.
    /// </summary>
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        bool ordered = Capabilities.HasFlag(StorageCapabilities.OrderedList);
        int only = -1;
        if (!ordered && options.ContinuationToken is { } token)
        {
            (only, string memberToken) = MemberComposition.UnwrapToken(token, _members.Length, TypeName);
            options = options with { ContinuationToken = memberToken };
        }

        string? after = options.StartAfter;
        bool yielded = false;
        StorageException? last = null;
        var candidates = only >= 0 ? [only] : Enumerable.Range(0, _members.Length).OrderBy(i => _members[i].IsLagging).ToArray();
        foreach (int index in candidates)
        {
            var member = _members[index];
            StorageException? failure = null;
            var entries = member.Engine.ListAsync(ordered ? options with { StartAfter = after } : options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    StorageEntry entry;
                    try
                    {
                        if (!await entries.MoveNextAsync())
                        {
                            break;
                        }

                        entry = entries.Current;
                    }
                    catch (StorageException e) when (!TransientFailure.IsAnswer(e.Code))
                    {
                        failure = e;
                        break;
                    }

                    after = entry.Key;
                    yielded = true;
                    yield return ordered
                        ? (entry.ContinuationToken is null ? entry : entry with { ContinuationToken = null })
                        : entry with { ContinuationToken = MemberComposition.WrapToken(index, entry) };
                }
            }
            finally
            {
                try
                {
                    await entries.DisposeAsync();
                }
                catch (StorageException)
                {
                    // The listing already moved on to another member.
                }
            }

            if (failure is null)
            {
                yield break;
            }

            last = failure;
            if (!ordered && yielded)
            {
                throw new StorageException(failure.Code, $"The listing of prefix '{options.Prefix}' failed part-way on member '{member.Name}' ({failure.Code}: {failure.Message}). The members list unordered, so another member cannot continue it; resume later with the ContinuationToken of the last entry received (it goes back to '{member.Name}').", failure)
                { IsTransient = failure.IsTransient, Provider = TypeName, Operation = StorageOperation.List, Key = options.Prefix, RetryAfter = failure.RetryAfter };
            }
        }

        throw NoMemberAnswered(StorageOperation.List, options.Prefix, last);
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        StorageInfo? inner = null;
        StorageException? last = null;
        foreach (var member in _members)
        {
            try
            {
                inner = await member.Engine.GetInfoAsync(cancellationToken);
                break;
            }
            catch (StorageException e)
            {
                last = e;
            }
        }

        if (inner is null)
        {
            throw NoMemberAnswered(StorageOperation.Info, null, last);
        }

        var members = Members;
        var lagging = members.Where(m => m.IsLagging).ToList();
        var details = new Dictionary<string, string>
        {
            ["members"] = string.Join(",", members.Select(m => m.Name)),
            ["quorum"] = Quorum.ToString(CultureInfo.InvariantCulture),
            ["lagging"] = string.Join(",", lagging.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Name}({m.MissedWrites})"))),
            [StorageHealthDetails.Status] = lagging.Count == 0 ? StorageHealthDetails.Healthy : StorageHealthDetails.Degraded,
        };
        if (lagging.Count > 0)
        {
            details[StorageHealthDetails.Reason] = string.Join("; ", lagging.Select(m => $"member '{m.Name}' missed {m.MissedWrites} writes ({m.LastError})"));
        }

        return inner with { EngineType = EngineType, Capabilities = Capabilities, Traits = Traits, KeyRules = KeyRules, Details = details, Inner = inner };
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        foreach (var member in _members.Skip(1))
        {
            await member.Engine.DisposeAsync();
        }

        await base.DisposeCoreAsync();
    }

    private async ValueTask ReplicateFromPrimaryAsync(string key, CancellationToken cancellationToken)
    {
        var errors = new StorageException?[_members.Length];
        try
        {
            await using var stored = await _members[0].Engine.OpenReadAsync(key, null, cancellationToken);
            var options = new SaveOptions { ContentType = stored.Item.ContentType, Metadata = stored.Item.Metadata, ExpectedLength = stored.Item.Size };
            var outcomes = await ContentFanOut.SaveAsync([.. _members.Skip(1).Select(m => m.Engine)], key, stored.Content, options, cancellationToken);
            for (int i = 0; i < outcomes.Length; i++)
            {
                errors[i + 1] = outcomes[i].Error;
            }
        }
        catch (StorageException e)
        {
            // The primary stored the write but could not be read back: every other member missed it.
            for (int i = 1; i < errors.Length; i++)
            {
                errors[i] = e;
            }
        }

        Settle(StorageOperation.Save, key, errors, alreadyStored: 1);
    }

    /// <summary>Records each member's outcome and throws when fewer than the quorum stored the write.</summary>
    private void Settle(string operation, string key, StorageException?[] errors, int alreadyStored)
    {
        int stored = Enumerable.Range(0, _members.Length).Count(i => i < alreadyStored || errors[i] is null);
        for (int i = 0; i < _members.Length; i++)
        {
            if (i < alreadyStored || errors[i] is null)
            {
                _members[i].RecordCaughtUp(key);
            }
            else if (stored > 0)
            {
                // Only a write some member stored leaves the others behind.
                _members[i].RecordMissed(key, errors[i]!);
                _logger.Log(StorageLogLevel.Warning, $"Mirror stage: member '{_members[i].Name}' missed the {operation} of key '{key}' ({errors[i]!.Code}); it is reported as lagging.", errors[i]);
            }
        }

        if (stored < Quorum)
        {
            var first = errors.First(error => error is not null)!;
            var failures = string.Join("; ", _members.Select((m, i) => errors[i] is { } e ? $"{m.Name}: {e.Code}" : null).Where(text => text is not null));
            throw new StorageException(first.Code,
                $"The mirror stage stored the {operation} of key '{key}' on {stored} of {_members.Length} members, below its quorum of {Quorum} ({failures}). Members that stored it keep it; retry when the others are back.", first)
            { IsTransient = first.IsTransient, IsPersistent = first.IsPersistent, Provider = TypeName, Operation = operation, Key = key, RetryAfter = first.RetryAfter };
        }
    }

    private async ValueTask<T> ReadAsync<T>(string operation, string key, Func<IStorageEngine, CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        StorageException? last = null;
        foreach (var member in _members.Where(m => !m.Missed(key)))
        {
            try
            {
                return await action(member.Engine, cancellationToken);
            }
            catch (StorageException e) when (!TransientFailure.IsAnswer(e.Code))
            {
                last = e;
            }
        }

        throw NoMemberAnswered(operation, key, last);
    }

    private static async Task<(IReadOnlyList<StorageDeleteResult>? Results, StorageException? Error)> DeleteManyOneAsync(IStorageEngine engine, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        try
        {
            return (await engine.DeleteManyAsync(keys, cancellationToken), null);
        }
        catch (StorageException e)
        {
            return (null, e);
        }
    }

    private static async Task<(bool Deleted, StorageException? Error)> DeleteOneAsync(IStorageEngine engine, string key, CancellationToken cancellationToken)
    {
        try
        {
            return (await engine.DeleteAsync(key, null, cancellationToken), null);
        }
        catch (StorageException e)
        {
            return (false, e);
        }
    }

    private StorageException NoMemberAnswered(string operation, string? key, StorageException? last)
    {
        var target = key is null ? "" : $" of key '{key}'";
        return new StorageException(last?.Code ?? StorageErrorCode.NetworkError,
            $"No member of the mirror stage ({string.Join(", ", _members.Select(m => m.Name))}) could serve the {operation}{target}: each failed or missed writes of it. {last?.Message}", last)
        { IsTransient = last?.IsTransient ?? true, IsPersistent = last?.IsPersistent ?? false, Provider = TypeName, Operation = operation, Key = key, RetryAfter = last?.RetryAfter };
    }
}
