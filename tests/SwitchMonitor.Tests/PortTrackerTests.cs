using PrivateBox.Factory.Services.SwitchMonitor;
using PrivateBox.Factory.Services.SwitchMonitor.Monitoring;

namespace PrivateBox.Factory.SwitchMonitor.Tests;

/// <summary>The arrival rules on their own, with a hand-moved clock.</summary>
public class PortTrackerTests
{
    private static readonly SwitchMonitorOptions Options = new() { FlapWindow = TimeSpan.FromSeconds(5) };
    private static HashSet<string> UnitA => ["02:00:00:00:00:0a"];
    private static HashSet<string> UnitB => ["02:00:00:00:00:0b"];
    private readonly DateTimeOffset _t0 = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    private static PortTracker Tracker(Dictionary<int, HashSet<string>>? announced = null)
    {
        var sw = new SwitchOptions();
        var ports = Enumerable.Range(1, 24).ToDictionary(p => p, p => new PortState(p, p, sw.RoleOf(p)) { Announced = announced?.GetValueOrDefault(p)?.ToHashSet() ?? [] });
        return new PortTracker("sw", ports, Options);
    }

    private static List<object> Observe(PortTracker t, int port, bool up, HashSet<string> macs, DateTimeOffset at) =>
        t.Observe(port, up, macs, at, DetectionSource.Poll).Events;

    [Fact]
    public void Unit_still_in_place_after_a_restart_is_not_announced_again()
    {
        var tracker = Tracker(new() { [21] = UnitA });
        Assert.Empty(Observe(tracker, 21, true, UnitA, _t0));
    }

    [Fact]
    public void Unit_that_left_while_the_monitor_was_away_is_departed_after_the_flap_window()
    {
        var tracker = Tracker(new() { [21] = UnitA });
        Assert.Empty(Observe(tracker, 21, false, [], _t0));
        var down = Assert.IsType<PortLinkedDown>(Assert.Single(Observe(tracker, 21, false, [], _t0.AddSeconds(5))));
        Assert.Equal((21, PortRole.Label, _t0), (down.Port, down.Role, down.DetectedAt));
    }

    [Fact]
    public void Other_unit_plugged_within_the_flap_window_is_an_arrival()
    {
        var tracker = Tracker();
        Observe(tracker, 21, true, UnitA, _t0);
        Observe(tracker, 21, false, [], _t0.AddSeconds(1));
        var up = Assert.IsType<PortLinkedUp>(Assert.Single(Observe(tracker, 21, true, UnitB, _t0.AddSeconds(2))));
        Assert.Equal(["02:00:00:00:00:0b"], up.Macs);
    }

    [Fact]
    public void Same_unit_back_after_the_flap_window_is_a_new_arrival()
    {
        var tracker = Tracker();
        Observe(tracker, 22, true, UnitA, _t0);
        Observe(tracker, 22, false, [], _t0.AddSeconds(1));
        Assert.IsType<PortLinkedDown>(Assert.Single(Observe(tracker, 22, false, [], _t0.AddSeconds(7))));
        Assert.IsType<PortLinkedUp>(Assert.Single(Observe(tracker, 22, true, UnitA, _t0.AddSeconds(8))));
    }

    [Fact]
    public void Unit_moved_away_and_back_is_an_arrival_each_time()
    {
        var tracker = Tracker();
        Observe(tracker, 5, true, UnitA, _t0);
        Assert.Equal(21, Assert.IsType<PortLinkedUp>(Assert.Single(Observe(tracker, 21, true, UnitA, _t0.AddSeconds(1)))).Port);
        Assert.Equal(5, Assert.IsType<PortLinkedUp>(Assert.Single(Observe(tracker, 5, true, UnitA, _t0.AddSeconds(2)))).Port);
    }

    [Fact]
    public void Uplink_and_server_ports_publish_nothing()
    {
        var tracker = Tracker();
        Assert.Empty(Observe(tracker, 23, true, UnitA, _t0));
        Assert.Empty(Observe(tracker, 24, true, UnitB, _t0));
        Assert.Empty(Observe(tracker, 24, false, [], _t0.AddSeconds(1)));
        Assert.Empty(Observe(tracker, 24, false, [], _t0.AddSeconds(10)));
    }
}
