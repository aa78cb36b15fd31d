using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Failover;

/// <summary>
/// The <c>failover</c> stage: every call goes to the first available member — the stage beneath
/// (the primary), then the secondary pipelines in order. A member that fails (any error other than
/// an answer such as NotFound or Conflict, or an attempt past <see cref="FailoverOptions.AttemptTimeout"/>)
/// is skipped for that call at once, so the call is served by the next member; after
/// <see cref="FailoverOptions.FailureThreshold"/> consecutive failures it is taken out of rotation
/// until a probe (<c>GetInfo</c>) after <see cref="FailoverOptions.RecoveryProbeInterval"/> succeeds.
/// </summary>
/// <remarks>
/// <para>Writes served by a secondary are recorded (<see cref="DivergedKeys"/>): when the primary
/// returns, calls go back to it, and until the sync stage reconciles them those objects exist only
/// on the secondary (reads of them from the primary find the older version, or nothing). The
/// stage reports itself Degraded while any remain.</para>
/// <para>A secondary's answer that a key is absent (NotFound, or <c>false</c> from exists) is not
/// trusted while the primary could not be asked: it is reported as a transient failure, since the
/// primary may hold the object.</para>
/// <para>Conditional writes carry ETags of the member that issued them; on another member they
/// fail with Conflict, which is the safe outcome. Saves from a stream that cannot seek and moves
/// are never redirected once attempted.</para>
/// </remarks>
public sealed class FailoverEngine : DelegatingStorageEngine
{
    /// <summary>The engine and provider type name, <c>failover</c>.</summary>
    public const string TypeName = "failover";

    private const int MaxRecordedKeys = 10_000;

    private readonly FailoverMember[] _members;
    private readonly FailoverOptions _options;
    private readonly TimeProvider _time;
    private readonly IStorageLogger _logger;
    private readonly ConcurrentDictionary<string, FailoverDivergedKey> _diverged = new(StringComparer.Ordinal);
    private readonly long[] _unrecordedWrites;
    private long _divergenceSequence;
    private int _active;

    /// <summary>Creates the stage.</summary>
    /// <param name="primary">The stage beneath: the preferred member, owned by this stage.</param>
    /// <param name="secondaries">The secondary members by name, in order of preference; owned by this stage.</param>
    /// <param name="options">Thresholds and budgets (<see cref="FailoverOptions.Members"/> is not read here).</param>
    /// <param name="timeProvider">The clock; null for the system clock.</param>
    /// <param name="logger">Where switches are logged; null for nowhere.</param>
    /// <param name="primaryName">The primary's name in status reports.</param>
    public FailoverEngine(IStorageEngine primary, IEnumerable<KeyValuePair<string, IStorageEngine>> secondaries, FailoverOptions? options = null, TimeProvider? timeProvider = null, IStorageLogger? logger = null, string primaryName = "primary")
        : base(primary, ownsInner: true)
    {
        ArgumentNullException.ThrowIfNull(secondaries);
        _members = [new FailoverMember(primaryName, primary), .. secondaries.Select(pair => new FailoverMember(pair.Key, pair.Value))];
        if (_members.Length < 2)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration, "The failover stage needs at least one secondary member (option Members).") { Provider = TypeName, Operation = "create" };
        }

        _unrecordedWrites = new long[_members.Length];
        _options = options ?? new FailoverOptions();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullStorageLogger.Instance;
    }

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <summary>
    /// What every member can do (the stage may serve any call from any member), without the change feed:
    /// each member has its own cursors.
    /// </summary>
    public override StorageCapabilities Capabilities => MemberComposition.Capabilities(_members.Select(member => member.Engine));

    /// <summary>The restrictions of any member: a case-folding secondary makes the whole stage case-insensitive.</summary>
    public override StorageTraits Traits => MemberComposition.Traits(_members.Select(member => member.Engine), Capabilities);

    /// <summary>The most restrictive combination of the members' key rules: a key the stage accepts fits every member.</summary>
    public override StorageKeyRules KeyRules => MemberComposition.KeyRules(_members.Select(member => member.Engine));

    /// <summary>
    /// Unordered stages issue their own tokens (naming the member that listed); ordered ones resume by key,
    /// which every member understands.
    /// </summary>
    protected override bool HandlesContinuationTokens => !Capabilities.HasFlag(StorageCapabilities.OrderedList);

    /// <summary>The name of the member that served the last successful call.</summary>
    public string ActiveMember => _members[Volatile.Read(ref _active)].Name;

    /// <summary>Every member's state, primary first.</summary>
    public IReadOnlyList<FailoverMemberStatus> Members => [.. _members.Select(member => member.Snapshot())];

    /// <summary>
    /// How many writes a secondary served that are not yet forgotten: one per recorded key (however
    /// often it was written) plus every write beyond the first 10,000 keys.
    /// </summary>
    public long DivergedWriteCount
    {
        get
        {
            long unrecorded = 0;
            for (int i = 0; i < _unrecordedWrites.Length; i++)
            {
                unrecorded += Interlocked.Read(ref _unrecordedWrites[i]);
            }

            return _diverged.Count + unrecorded;
        }
    }

    /// <summary>The keys written through a secondary that the primary may lack (the first 10,000).</summary>
    public IReadOnlyCollection<string> DivergedKeys => [.. _diverged.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// A snapshot of what secondaries served: each recorded key with the member that served its last
    /// write, and the writes beyond the recorded keys per member. Reconcile it (the sync library's
    /// <c>FailoverReconciliation</c>), then <see cref="ForgetDivergence"/> what was reconciled.
    /// </summary>
    public FailoverDivergence GetDivergence() => new(
        [.. _diverged.Values.OrderBy(entry => entry.Key, StringComparer.Ordinal)],
        _members.Skip(1).Select((member, i) => new KeyValuePair<string, long>(member.Name, Interlocked.Read(ref _unrecordedWrites[i + 1])))
            .Where(pair => pair.Value > 0).ToDictionary(StringComparer.Ordinal));

    /// <summary>
    /// Forgets <paramref name="key"/> unless a secondary served another write of it after the
    /// snapshot it came from (then it stays recorded). Returns whether it was forgotten.
    /// </summary>
    public bool ForgetDivergence(FailoverDivergedKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _diverged.TryRemove(new KeyValuePair<string, FailoverDivergedKey>(key.Key, key));
    }

    /// <summary>Forgets <paramref name="count"/> writes that <paramref name="member"/> served beyond the recorded keys (after a full reconciliation of that member).</summary>
    public void ForgetUnrecordedWrites(string member, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int index = IndexOf(member);
        long current;
        do
        {
            current = Interlocked.Read(ref _unrecordedWrites[index]);
        }
        while (Interlocked.CompareExchange(ref _unrecordedWrites[index], Math.Max(0, current - count), current) != current);
    }

    /// <summary>Forgets keys a reconciliation has copied back to the primary, whatever was written since (prefer <see cref="ForgetDivergence"/>).</summary>
    public void ForgetDivergedKeys(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            _diverged.TryRemove(key, out _);
        }
    }

    /// <summary>
    /// The engine of member <paramref name="name"/> (the primary or a secondary, as named in
    /// <see cref="Members"/>): what a reconciliation pairs. Owned by this stage: do not dispose it.
    /// </summary>
    /// <exception cref="StorageException"><see cref="StorageErrorCode.InvalidArgument"/> when no member has that name.</exception>
    public IStorageEngine GetMemberEngine(string name) => _members[IndexOf(name)].Engine;

    private int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = Array.FindIndex(_members, member => member.Name == name);
        return index >= 0 ? index : throw new StorageException(StorageErrorCode.InvalidArgument,
            $"The failover stage has no member '{name}'; its members are {string.Join(", ", _members.Select(member => $"'{member.Name}'"))}.") { Provider = TypeName };
    }

    /// <inheritdoc />
    protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        bool seekable = content.CanSeek;
        long start = seekable ? content.Position : 0;
        int attempts = 0;
        return RouteAsync(StorageOperation.Save, key, seekable, (engine, ct) =>
        {
            if (attempts++ > 0)
            {
                content.Position = start;
            }

            return engine.SaveAsync(key, content, options, ct);
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken) =>
        RouteAsync(StorageOperation.Load, key, true, (engine, ct) => engine.OpenReadAsync(key, options, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        RouteAsync(StorageOperation.Stat, key, true, (engine, ct) => engine.StatAsync(key, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken) =>
        RouteAsync(StorageOperation.Exists, key, true, (engine, ct) => engine.ExistsAsync(key, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken) =>
        RouteAsync(StorageOperation.Delete, key, true, (engine, ct) => engine.DeleteAsync(key, options, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        RouteAsync(StorageOperation.Copy, destinationKey, true, (engine, ct) => engine.CopyAsync(sourceKey, destinationKey, condition, ct), cancellationToken);

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var item = await RouteAsync(StorageOperation.Move, destinationKey, false, (engine, ct) => engine.MoveAsync(sourceKey, destinationKey, condition, ct), cancellationToken);
        if (Volatile.Read(ref _active) is > 0 and int member)
        {
            RecordDivergence(sourceKey, member);
        }

        return item;
    }

    /// <summary>Deletes the keys on the first available member (in its batches); keys deleted through a secondary are recorded as diverged.</summary>
    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var results = await RouteAsync(StorageOperation.Delete, null, true, async (engine, ct) =>
        {
            var deleted = await engine.DeleteManyAsync(keys, ct);

            // A key the member failed (rather than answered) counts as the member failing: the batch goes to the next one.
            return deleted.FirstOrDefault(result => result.Error is { } error && !TransientFailure.IsAnswer(error.Code))?.Error is { } failure ? throw failure : deleted;
        }, cancellationToken);
        if (Volatile.Read(ref _active) is > 0 and int member)
        {
            foreach (var result in results)
            {
                RecordDivergence(result.Key, member);
            }
        }

        return results;
    }

    /// <summary>
    /// Lists from the first available member. When every member lists in order, a listing that fails part-way
    /// resumes on the next member after the last key returned; an unordered listing cannot (a member's tokens
    /// mean nothing to another), so it fails over only before its first entry, and its tokens name the member
    /// that issued them.
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
        for (int i = 0; i < _members.Length; i++)
        {
            var member = _members[i];
            // A resumed unordered listing goes back to the member that issued its token: no other can continue it.
            if (only >= 0 ? i != only : !await IsUsableAsync(member, cancellationToken))
            {
                continue;
            }

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
                    catch (Exception e) when (AsFailure(e, member, cancellationToken) is { } failed)
                    {
                        failure = failed;
                        break;
                    }

                    after = entry.Key;
                    yielded = true;
                    yield return ordered
                        ? (entry.ContinuationToken is null ? entry : entry with { ContinuationToken = null })
                        : entry with { ContinuationToken = MemberComposition.WrapToken(i, entry) };
                }
            }
            finally
            {
                await DisposeQuietlyAsync(entries);
            }

            if (failure is null)
            {
                Succeeded(i, member, StorageOperation.List, null);
                yield break;
            }

            Failed(member, failure);
            last = failure;
            if (!ordered && (yielded || only >= 0))
            {
                throw Unresumable(member, options.Prefix, failure);
            }
        }

        throw Exhausted(StorageOperation.List, options.Prefix, last);
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var inner = await RouteAsync(StorageOperation.Info, null, true, (engine, ct) => engine.GetInfoAsync(ct), cancellationToken);
        var members = Members;
        var details = new Dictionary<string, string>
        {
            ["active"] = ActiveMember,
            ["members"] = string.Join(",", members.Select(m => m.Name + (m.IsAvailable ? "" : "(out)"))),
            ["divergedWrites"] = DivergedWriteCount.ToString(CultureInfo.InvariantCulture),
        };
        var reasons = new List<string>();
        if (Volatile.Read(ref _active) > 0)
        {
            reasons.Add($"serving from secondary '{ActiveMember}'");
        }

        reasons.AddRange(members.Where(m => !m.IsAvailable).Select(m => $"member '{m.Name}' is out of rotation ({m.LastError})"));
        if (DivergedWriteCount > 0)
        {
            reasons.Add($"{DivergedWriteCount} writes served by secondaries await reconciliation with '{_members[0].Name}'");
        }

        details[StorageHealthDetails.Status] = reasons.Count == 0 ? StorageHealthDetails.Healthy : StorageHealthDetails.Degraded;
        if (reasons.Count > 0)
        {
            details[StorageHealthDetails.Reason] = string.Join("; ", reasons);
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

    private async ValueTask<T> RouteAsync<T>(string operation, string? key, bool canRedirect, Func<IStorageEngine, CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        StorageException? last = null;
        for (int i = 0; i < _members.Length; i++)
        {
            var member = _members[i];
            if (!await IsUsableAsync(member, cancellationToken))
            {
                continue;
            }

            if (last is not null && !canRedirect)
            {
                throw last;
            }

            T result;
            try
            {
                result = await AttemptAsync(member, action, cancellationToken);
            }
            catch (Exception e) when (AsFailure(e, member, cancellationToken) is { } failure)
            {
                Failed(member, failure);
                last = failure;
                continue;
            }
            catch (StorageException e) when (i > 0 && e.Code == StorageErrorCode.NotFound && operation is StorageOperation.Load or StorageOperation.Stat)
            {
                throw NotAuthoritative(operation, key!, member, last, e);
            }

            Succeeded(i, member, operation, key);
            if (i > 0 && operation == StorageOperation.Exists && result is false)
            {
                throw NotAuthoritative(operation, key!, member, last, null);
            }

            return result;
        }

        throw Exhausted(operation, key, last);
    }

    /// <summary>
    /// A secondary's "not there" while the primary could not be asked: the primary may hold the
    /// object, so absence is reported as a transient failure rather than NotFound (a caller that
    /// trusted NotFound might create the key again and diverge).
    /// </summary>
    private StorageException NotAuthoritative(string operation, string key, FailoverMember member, StorageException? primaryFailure, StorageException? notFound)
    {
        var why = primaryFailure is null ? "is out of rotation" : $"failed with {primaryFailure.Code}";
        return new StorageException(primaryFailure?.Code ?? StorageErrorCode.NetworkError,
            $"Key '{key}' is not on secondary '{member.Name}', and the primary '{_members[0].Name}' {why}, so its absence is not certain. Retry when the primary is back.", notFound ?? primaryFailure)
        {
            // A primary that failed persistently (a retry stage in it gave up) will not answer a
            // repeat at once either, so an outer retry must not repeat this.
            IsTransient = primaryFailure is not { IsPersistent: true },
            IsPersistent = primaryFailure is { IsPersistent: true },
            Provider = TypeName,
            Operation = operation,
            Key = key,
            RetryAfter = primaryFailure?.RetryAfter,
        };
    }

    private async ValueTask<T> AttemptAsync<T>(FailoverMember member, Func<IStorageEngine, CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        if (_options.AttemptTimeout is not { } budget)
        {
            return await action(member.Engine, cancellationToken);
        }

        using var timer = new CancellationTokenSource(budget, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        return await action(member.Engine, linked.Token);
    }

    private async ValueTask<bool> IsUsableAsync(FailoverMember member, CancellationToken cancellationToken)
    {
        if (member.IsAvailable(_time.GetUtcNow(), out bool probeDue))
        {
            return true;
        }

        if (!probeDue)
        {
            return false;
        }

        try
        {
            var info = await AttemptAsync(member, static (engine, ct) => engine.GetInfoAsync(ct), cancellationToken);
            if (info.IsConnected)
            {
                member.RecordSuccess();
                _logger.Log(StorageLogLevel.Information, $"Failover stage: member '{member.Name}' answered its recovery probe and is back in rotation.");
                return true;
            }

            Failed(member, new StorageException(StorageErrorCode.NetworkError, $"Member '{member.Name}' reports it is not connected."));
        }
        catch (Exception e) when (AsFailure(e, member, cancellationToken) is { } failure)
        {
            Failed(member, failure);
        }

        return false;
    }

    private void Succeeded(int index, FailoverMember member, string operation, string? key)
    {
        member.RecordSuccess();
        int previous = Interlocked.Exchange(ref _active, index);
        if (previous != index)
        {
            _logger.Log(index > previous ? StorageLogLevel.Warning : StorageLogLevel.Information,
                index > previous
                    ? $"Failover stage: now serving from '{member.Name}' instead of '{_members[previous].Name}'."
                    : $"Failover stage: back on '{member.Name}'; {DivergedWriteCount} writes served by secondaries await reconciliation.");
        }

        if (index > 0 && key is not null && StorageOperation.IsWrite(operation))
        {
            RecordDivergence(key, index);
        }
    }

    private void Failed(FailoverMember member, StorageException failure)
    {
        if (member.RecordFailure(failure, _time.GetUtcNow(), _options.FailureThreshold, _options.RecoveryProbeInterval))
        {
            _logger.Log(StorageLogLevel.Warning, $"Failover stage: member '{member.Name}' is out of rotation for {DurationText.Describe(_options.RecoveryProbeInterval)} after {failure.Code}.", failure);
        }
    }

    private void RecordDivergence(string key, int member)
    {
        var entry = new FailoverDivergedKey(key, _members[member].Name, Interlocked.Increment(ref _divergenceSequence));
        if (_diverged.Count < MaxRecordedKeys || _diverged.ContainsKey(key))
        {
            _diverged[key] = entry;
        }
        else
        {
            Interlocked.Increment(ref _unrecordedWrites[member]);
        }
    }

    private StorageException? AsFailure(Exception e, FailoverMember member, CancellationToken cancellationToken) => e switch
    {
        StorageException storage when !TransientFailure.IsAnswer(storage.Code) => storage,
        OperationCanceledException when !cancellationToken.IsCancellationRequested => new StorageException(StorageErrorCode.Timeout,
            $"Member '{member.Name}' did not answer within {DurationText.Describe(_options.AttemptTimeout ?? TimeSpan.Zero)} (option attemptTimeout).", e)
        { Provider = TypeName },
        _ => null,
    };

    private StorageException Exhausted(string operation, string? key, StorageException? last)
    {
        var target = key is null ? "" : $" of key '{key}'";
        var names = string.Join(", ", _members.Select(m => m.Name));
        return last is null
            ? new StorageException(StorageErrorCode.NetworkError, $"No member of the failover stage ({names}) is available for the {operation}{target}; all are out of rotation until their recovery probe. Check the members' health.")
            { IsTransient = true, Provider = TypeName, Operation = operation, Key = key }
            : new StorageException(last.Code, $"Every available member of the failover stage ({names}) failed the {operation}{target}. Last error: {last.Message}", last)
            { IsTransient = last.IsTransient, IsPersistent = last.IsPersistent, Provider = TypeName, Operation = operation, Key = key, RetryAfter = last.RetryAfter };
    }

    /// <summary>An unordered listing that broke part-way on a member: no other member can continue it.</summary>
    private static StorageException Unresumable(FailoverMember member, string prefix, StorageException failure) =>
        new(failure.Code, $"The listing of prefix '{prefix}' failed part-way on member '{member.Name}' ({failure.Code}: {failure.Message}). The members list unordered, so another member cannot continue it; resume later with the ContinuationToken of the last entry received (it goes back to '{member.Name}').", failure)
        { IsTransient = failure.IsTransient, Provider = TypeName, Operation = StorageOperation.List, Key = prefix, RetryAfter = failure.RetryAfter };

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<StorageEntry> entries)
    {
        try
        {
            await entries.DisposeAsync();
        }
        catch (Exception e) when (e is StorageException or OperationCanceledException)
        {
            // The listing already failed over; its cleanup error adds nothing.
        }
    }
}
