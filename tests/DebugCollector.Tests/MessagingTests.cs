using System.Text.Json;
using PrivateBox.Factory.Contracts;

namespace PrivateBox.Factory.DebugCollector.Tests;

/// <summary>Through the real broker: the events that trigger collection, and the announcement of every bundle.</summary>
[Collection(nameof(Suite))]
public class MessagingTests(Suite suite)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Debug_port_arrival_collects_a_bundle_and_announces_it()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac);
        suite.Ssh.WriteLog("/tmp/privatebox-bootstrap.log", "bootstrap done\n");

        await suite.Listener.Publish(Arrival(PortRole.Debug, mac.ToUpperInvariant()));

        var stored = await suite.StoredFor(mac, Patience);
        Assert.Equal("debug-port", stored.Source);
        var files = await suite.DownloadAsync(stored.BundleId);
        Assert.Equal("bootstrap done\n", files["bootstrap.log"]);
    }

    [Fact]
    public async Task The_same_arrival_delivered_twice_collects_once()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac);
        var arrival = Arrival(PortRole.Debug, mac);

        await suite.Listener.Publish(arrival);
        await suite.StoredFor(mac, Patience);
        await suite.Listener.Publish(arrival);
        await suite.Listener.Publish(Arrival(PortRole.Label, mac));
        await Task.Delay(TimeSpan.FromSeconds(5));

        var list = await (await suite.Client(Suite.DebugKey).GetAsync($"/api/debug-logs?mac={mac}")).Json();
        Assert.Equal(1, list.GetArrayLength());
    }

    [Fact]
    public async Task A_failed_report_is_collected_automatically_from_the_build_port()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac);
        suite.Ssh.WriteLog("/var/log/semaphore.journal", "semaphore: exited 1\n");

        await suite.FailedAsync(mac);

        var stored = await suite.StoredFor(mac, Patience);
        Assert.Equal("automatic", stored.Source);
        var files = await suite.DownloadAsync(stored.BundleId);
        Assert.Equal("semaphore: exited 1\n", files["semaphore-journal.log"]);
        Assert.Equal("automatic", JsonDocument.Parse(files["manifest.json"]).RootElement.GetProperty("source").GetString());
    }

    [Fact]
    public async Task An_arrival_of_an_unknown_mac_still_leaves_a_bundle_saying_so()
    {
        var mac = TestUnits.NewMac();

        await suite.Listener.Publish(Arrival(PortRole.Debug, mac));

        var stored = await suite.StoredFor(mac, Patience);
        Assert.False(stored.Complete);
        Assert.Contains($"No unit has reported MAC {mac}", (await suite.DownloadAsync(stored.BundleId))["errors.txt"]);
    }

    [Fact]
    public async Task A_stuck_unit_is_collected_automatically()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac);

        await suite.Listener.Publish(new UnitBecameStuck
        {
            Mac = mac, AttemptId = Guid.NewGuid(), Stage = "Phase 4", LastHeartbeatAt = DateTimeOffset.UtcNow.AddMinutes(-6), DetectedAt = DateTimeOffset.UtcNow,
        });

        var stored = await suite.StoredFor(mac, Patience);
        Assert.Equal("automatic", stored.Source);
        Assert.True((await suite.DownloadAsync(stored.BundleId)).ContainsKey("bootstrap.log"));
    }

    private static PortLinkedUp Arrival(PortRole role, string mac) => new()
    {
        SwitchId = "procurve-test", Port = role == PortRole.Debug ? 22 : 21, IfIndex = 22, Role = role,
        Macs = [mac], DetectedAt = DateTimeOffset.UtcNow, Source = DetectionSource.Trap,
    };
}
