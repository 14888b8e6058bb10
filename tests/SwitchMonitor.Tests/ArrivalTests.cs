namespace PrivateBox.Factory.SwitchMonitor.Tests;

[Collection("snmp")]
public class ArrivalTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Mac_appearing_on_port_21_is_announced_once_with_role_Label()
    {
        await using var s = await Scenario.StartAsync();
        s.Switch.Plug(21, "aa:bb:cc:00:00:21");

        var up = await s.Events.NextAsync<PortLinkedUp>(Within);
        Assert.Equal((21, 21, PortRole.Label, DetectionSource.Poll), (up.Port, up.IfIndex, up.Role, up.Source));
        Assert.Equal(["aa:bb:cc:00:00:21"], up.Macs);
        await s.Events.AssertNoneAsync(TimeSpan.FromSeconds(2));
        var port = (await s.Monitor.StatusAsync()).Ports.Single(p => p.Port == 21);
        Assert.Equal(("up", PortRole.Label), (port.Link, port.Role));
        Assert.Equal(["aa:bb:cc:00:00:21"], port.Macs);
    }

    [Fact]
    public async Task Link_up_without_a_mac_is_no_arrival_until_the_unit_sends_a_frame()
    {
        await using var s = await Scenario.StartAsync(new MonitorTimings { Station = TimeSpan.FromSeconds(30), Fast = TimeSpan.FromMilliseconds(200) });
        s.Switch.Plug(22);
        await SnmpSwitchTraps.LinkUpAsync(s, 22);
        await s.Monitor.WaitForStatusAsync(st => st.Ports.Single(p => p.Port == 22).Link == "up", Within);
        await s.Events.AssertNoneAsync(TimeSpan.FromSeconds(1));

        s.Switch.Plug(22, "aa:bb:cc:00:00:22"); // learned a moment later; only the fast polling after the link-up can see it
        var up = await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(10));
        Assert.Equal((22, PortRole.Debug, DetectionSource.Trap), (up.Port, up.Role, up.Source));
    }

    [Fact]
    public async Task Switch_own_mac_and_uplink_ports_are_never_announced()
    {
        await using var s = await Scenario.StartAsync();
        s.Switch.Plug(24, "aa:bb:cc:00:00:24");
        s.Switch.Plug(23, "aa:bb:cc:00:00:23");
        s.Switch.Plug(3, "aa:bb:cc:00:00:03");

        var up = await s.Events.NextAsync<PortLinkedUp>(Within);
        Assert.Equal((3, PortRole.Build), (up.Port, up.Role));
        await s.Events.AssertNoneAsync(TimeSpan.FromSeconds(2));
        var status = await s.Monitor.StatusAsync();
        Assert.DoesNotContain(status.Ports, p => p.Macs.Contains(s.Switch.Self));
        Assert.Equal(["aa:bb:cc:00:00:24"], status.Ports.Single(p => p.Port == 24).Macs);
    }

    [Fact]
    public async Task Mac_moving_to_another_port_is_an_arrival_there()
    {
        await using var s = await Scenario.StartAsync();
        s.Switch.Plug(5, "aa:bb:cc:00:00:55");
        Assert.Equal(5, (await s.Events.NextAsync<PortLinkedUp>(Within)).Port);

        s.Switch.Unplug(5);
        s.Switch.Plug(21, "aa:bb:cc:00:00:55");

        var moved = await s.Events.NextAsync<PortLinkedUp>(Within);
        Assert.Equal((21, PortRole.Label), (moved.Port, moved.Role));
        var down = await s.Events.NextAsync<PortLinkedDown>(Within);
        Assert.Equal((5, PortRole.Build), (down.Port, down.Role));
    }

    [Fact]
    public async Task Mac_table_is_read_from_dot1d_when_the_switch_has_no_q_bridge_table()
    {
        await using var s = await Scenario.StartAsync(qBridge: false);
        s.Switch.Plug(21, "aa:bb:cc:00:01:21");
        var up = await s.Events.NextAsync<PortLinkedUp>(Within);
        Assert.Equal(["aa:bb:cc:00:01:21"], up.Macs);
    }

    [Fact]
    public async Task Agent_that_speaks_only_v1_is_polled_over_v1()
    {
        await using var s = await Scenario.StartAsync(v1Only: true);
        s.Switch.Plug(21, "aa:bb:cc:00:08:21");
        var up = await s.Events.NextAsync<PortLinkedUp>(Within);
        Assert.Equal(["aa:bb:cc:00:08:21"], up.Macs);
    }
}

public static class SnmpSwitchTraps
{
    public static Task LinkUpAsync(Scenario s, int ifIndex, string version = "2c") => Peers.SnmpSwitch.SendLinkTrapAsync(s.TrapPort, ifIndex, up: true, version);
    public static Task LinkDownAsync(Scenario s, int ifIndex, string version = "2c") => Peers.SnmpSwitch.SendLinkTrapAsync(s.TrapPort, ifIndex, up: false, version);
}
