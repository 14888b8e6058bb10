using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using PrivateBox.Factory.Services.SwitchMonitor.Traps;

namespace PrivateBox.Factory.SwitchMonitor.Tests;

[Collection("snmp")]
public class LinkTests
{
    // Polls so rare that only a trap explains a detection within a second.
    private static readonly MonitorTimings TrapsOnly = new() { Station = TimeSpan.FromSeconds(60), Build = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task V2c_link_up_trap_triggers_detection_before_the_next_poll()
    {
        await using var s = await Scenario.StartAsync(TrapsOnly);
        s.Switch.Plug(21, "aa:bb:cc:00:02:21");
        await SnmpSwitchTraps.LinkUpAsync(s, 21);

        var up = await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(10));
        Assert.Equal((21, DetectionSource.Trap), (up.Port, up.Source));
    }

    [Fact]
    public async Task V1_link_up_trap_works_after_garbage_on_the_trap_port()
    {
        await using var s = await Scenario.StartAsync(TrapsOnly);
        using (var garbage = new UdpClient())
            await garbage.SendAsync(new byte[] { 0x30, 0x82, 0xFF, 0x01, 0x02 }, new IPEndPoint(IPAddress.Loopback, s.TrapPort));
        await Peers.SnmpSwitch.SendLinkTrapAsync(s.TrapPort, 22, up: true, community: "wrong");
        s.Switch.Plug(22, "aa:bb:cc:00:02:22");
        await SnmpSwitchTraps.LinkUpAsync(s, 22, version: "1");

        var up = await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(10));
        Assert.Equal((22, PortRole.Debug, DetectionSource.Trap), (up.Port, up.Role, up.Source));
        Assert.Equal(2, s.Monitor.Services.GetRequiredService<TrapReceiver>().Dropped);
    }

    [Fact]
    public async Task Flap_within_the_window_is_neither_down_nor_a_new_arrival()
    {
        await using var s = await Scenario.StartAsync();
        s.Switch.Plug(21, "aa:bb:cc:00:03:21");
        await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(15));

        s.Switch.Unplug(21);
        await s.Monitor.WaitForStatusAsync(st => st.Ports.Single(p => p.Port == 21).Link == "down", TimeSpan.FromSeconds(2));
        s.Switch.Plug(21, "aa:bb:cc:00:03:21");
        await s.Monitor.WaitForStatusAsync(st => st.Ports.Single(p => p.Port == 21).Link == "up", TimeSpan.FromSeconds(2));

        await s.Events.AssertNoneAsync(s.Timings.Flap * 2);
    }

    [Fact]
    public async Task Link_down_for_longer_than_the_flap_window_is_published_and_a_replug_is_an_arrival()
    {
        await using var s = await Scenario.StartAsync();
        s.Switch.Plug(21, "aa:bb:cc:00:04:21");
        await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(15));

        s.Switch.Unplug(21);
        await SnmpSwitchTraps.LinkDownAsync(s, 21);
        var down = await s.Events.NextAsync<PortLinkedDown>(s.Timings.Flap + TimeSpan.FromSeconds(3));
        Assert.Equal((21, PortRole.Label), (down.Port, down.Role));

        s.Switch.Plug(21, "aa:bb:cc:00:04:21");
        Assert.Equal(21, (await s.Events.NextAsync<PortLinkedUp>(TimeSpan.FromSeconds(15))).Port);
    }
}
