namespace PrivateBox.Factory.SwitchMonitor.Tests;

[Collection("snmp")]
public class ResilienceTests
{
    [Fact]
    public async Task Unreachable_switch_turns_health_degraded_and_recovers()
    {
        await using var s = await Scenario.StartAsync();
        Assert.Equal("Healthy", await s.Monitor.HealthAsync());

        s.Switch.Freeze();
        var frozen = await s.Monitor.WaitForStatusAsync(st => st.State == "Unreachable", TimeSpan.FromSeconds(20));
        Assert.NotNull(frozen.LastError);
        Assert.Equal("Degraded", await s.Monitor.HealthAsync());

        s.Switch.Thaw();
        await s.Monitor.WaitForStatusAsync(st => st.State == "Healthy", TimeSpan.FromSeconds(15));
        Assert.Equal("Healthy", await s.Monitor.HealthAsync());
    }

    [Fact]
    public async Task State_that_cannot_be_saved_costs_no_arrival_and_no_watcher()
    {
        await using var s = await Scenario.StartAsync();
        var blocker = Directory.CreateDirectory(Path.Combine(s.StateDirectory, "outbox.json.tmp")); // every save fails, as on a full disk

        s.Switch.Plug(21, "aa:bb:cc:00:08:21");
        var up = await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(15));
        var failing = await s.Monitor.WaitForStatusAsync(st => st.LastError is not null, TimeSpan.FromSeconds(15));
        blocker.Delete();
        s.Switch.Plug(22, "aa:bb:cc:00:08:22");
        var next = await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(15));

        Assert.Equal(["aa:bb:cc:00:08:21"], up.Macs);
        Assert.Equal(["aa:bb:cc:00:08:22"], next.Macs);
        await s.Monitor.WaitForStatusAsync(st => st.LastError is null && st.State == "Healthy", TimeSpan.FromSeconds(15));
        await s.Events.AssertNoneAsync(TimeSpan.FromSeconds(2));
        Assert.NotNull(failing.LastError);
    }

    [Fact]
    public async Task Arrival_during_a_broker_outage_is_published_once_when_the_broker_returns()
    {
        await using var s = await Scenario.StartAsync();
        s.Relay.Cut();
        s.Switch.Plug(21, "aa:bb:cc:00:05:21");
        await s.Monitor.WaitForStatusAsync(st => st.Ports.Single(p => p.Port == 21).Macs.Count == 1, TimeSpan.FromSeconds(15));
        await s.Events.AssertNoneAsync(TimeSpan.FromSeconds(3));

        s.Relay.Restore();
        var up = await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(30));
        Assert.Equal(["aa:bb:cc:00:05:21"], up.Macs);
        await s.Events.AssertNoneAsync(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Restart_does_not_announce_units_still_in_place_but_does_announce_newcomers()
    {
        await using var s = await Scenario.StartAsync();
        s.Switch.Plug(21, "aa:bb:cc:00:06:21");
        await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(15));

        await s.StopMonitorAsync();
        s.Switch.Plug(22, "aa:bb:cc:00:06:22"); // arrives while the monitor is away
        await s.StartMonitorAsync();

        var up = await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(15));
        Assert.Equal((22, PortRole.Debug), (up.Port, up.Role));
        await s.Events.AssertNoneAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Event_unpublished_at_stop_is_published_after_the_restart()
    {
        await using var s = await Scenario.StartAsync();
        s.Relay.Cut();
        s.Switch.Plug(21, "aa:bb:cc:00:07:21");
        await s.Monitor.WaitForStatusAsync(st => st.Ports.Single(p => p.Port == 21).Macs.Count == 1, TimeSpan.FromSeconds(15));
        await s.StopMonitorAsync();

        s.Relay.Restore();
        await s.StartMonitorAsync();
        var up = await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(15));
        Assert.Equal(21, up.Port);
        await s.Events.AssertNoneAsync(TimeSpan.FromSeconds(2));
    }
}
