using Atomiton.Storage.Emulators.GoogleDrive;
using Atomiton.Storage.Plugins.GoogleDrive;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.GoogleDrive.Tests;

/// <summary>
/// The client-side pacer (<see cref="GoogleDriveOptions.RequestsPerSecond"/>) on an injected clock:
/// no verdict depends on how fast this machine is, and nothing sleeps.
/// </summary>
public sealed class PacerTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Concurrent_requests_each_wait_for_their_own_slot_one_interval_apart()
    {
        var clock = new FakeTimeProvider();
        var pacer = new DrivePacer(4, clock);
        var interval = TimeSpan.FromMilliseconds(250);

        // Five requests at once: each takes the next free slot when it arrives.
        var requests = Enumerable.Range(0, 5).Select(_ => pacer.InterceptAsync(new HttpRequestMessage(), CancellationToken.None)).ToList();

        await requests[0].WaitAsync(Guard);
        for (int slot = 1; slot < requests.Count; slot++)
        {
            clock.Advance(interval - TimeSpan.FromTicks(1));
            Assert.All(requests.Skip(slot), request => Assert.False(request.IsCompleted, $"request {slot} went before its slot"));
            clock.Advance(TimeSpan.FromTicks(1));
            await requests[slot].WaitAsync(Guard);
        }
    }

    [Fact]
    public async Task A_request_after_a_quiet_spell_goes_at_once_and_slots_are_not_saved_up()
    {
        var clock = new FakeTimeProvider();
        var pacer = new DrivePacer(2, clock);
        await pacer.InterceptAsync(new HttpRequestMessage(), CancellationToken.None).WaitAsync(Guard);

        clock.Advance(TimeSpan.FromSeconds(10));
        var afterQuiet = pacer.InterceptAsync(new HttpRequestMessage(), CancellationToken.None);
        var next = pacer.InterceptAsync(new HttpRequestMessage(), CancellationToken.None);

        await afterQuiet.WaitAsync(Guard);
        Assert.False(next.IsCompleted, "ten quiet seconds must not buy a burst: the next request still waits half a second");
        clock.Advance(TimeSpan.FromMilliseconds(500));
        await next.WaitAsync(Guard);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_with_cancellation()
    {
        var clock = new FakeTimeProvider();
        var pacer = new DrivePacer(1, clock);
        await pacer.InterceptAsync(new HttpRequestMessage(), CancellationToken.None).WaitAsync(Guard);
        using var cancellation = new CancellationTokenSource();

        var waiting = pacer.InterceptAsync(new HttpRequestMessage(), cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Guard));
    }

    [Fact]
    public async Task The_emulator_receives_the_stages_requests_one_interval_apart_on_the_engines_clock()
    {
        // One clock for the engine and the emulator; whenever the pacer waits, the clock moves to the end of that wait.
        var clock = new JumpingClock();
        await using var environment = await DriveTestEnvironment.StartAsync(new LoopbackDriveServerOptions { TimeProvider = clock });
        await using var engine = (GoogleDriveEngine)await new GoogleDriveProvider().CreateAsync(environment.Options(options => options.RequestsPerSecond = 4), environment.Context(time: clock));
        environment.Drive.Requests.Clear();

        for (int i = 0; i < 12; i++)
        {
            Assert.False(await engine.ExistsAsync($"paced/{i}"));
        }

        var arrivals = environment.Drive.Requests.All.Select(request => request.ReceivedAt).ToList();
        Assert.Equal(12, arrivals.Count); // one files.list per lookup
        for (int i = 1; i < arrivals.Count; i++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(250), arrivals[i] - arrivals[i - 1]);
        }

        for (int i = 0; i + 4 < arrivals.Count; i++)
        {
            Assert.True(arrivals[i + 4] - arrivals[i] >= TimeSpan.FromSeconds(1), $"requests {i}–{i + 4} fell within one second");
        }
    }

    /// <summary>A fake clock that, whenever a timer is set, moves forward to when it is due (so the timer fires at once).</summary>
    private sealed class JumpingClock : FakeTimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
            {
                Advance(dueTime);
            }

            return timer;
        }
    }
}
