using PrivateBox.Factory.Contracts;

namespace PrivateBox.Factory.Dashboard.Tests;

/// <summary>
/// A known three days, built through the real API and real RabbitMQ events on a controlled clock:
/// 2025-03-03 two ready (900 s, 1200 s) and one failed (adguard), one reprint delivered twice;
/// 2025-03-04 nothing; 2025-03-05 only failures (a rebuild failing adguard+portainer, a new unit failing adguard,
/// which then gets a debug bundle) and one unit going stuck.
/// </summary>
public sealed class MetricsDataSet : DashboardApi
{
    public static readonly DateTimeOffset Day1 = new(2025, 3, 3, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Day3 = Day1.AddDays(2);
    protected override DateTimeOffset? StartAt => Day1;

    public string U1 { get; } = Mac("aa:00:01");
    public string U2 { get; } = Mac("aa:00:01");
    public string U3 { get; } = Mac("bb:00:02");
    public string U4 { get; } = Mac("bb:00:02");
    public string U5 { get; } = Mac("cc:00:03");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var clock = Clock!;

        foreach (var mac in new[] { U1, U2, U3 }) await HeartbeatAsync(mac, "Phase 1");
        foreach (var (mac, port) in new[] { (U1, 1), (U2, 2), (U3, 3) })
            await LinkUpAsync(port, clock.GetUtcNow().AddSeconds(30), 1, mac);
        clock.Advance(TimeSpan.FromMinutes(1));
        await ReadyAsync(U1, 900);
        clock.Advance(TimeSpan.FromMinutes(1));
        await ReadyAsync(U2, 1200);
        clock.Advance(TimeSpan.FromMinutes(1));
        await FailedAsync(U3, "adguard");

        var reprint = new LabelReprinted { Mac = U1.ToUpperInvariant(), Reason = "smudged", StationId = "label-1", At = Day1.AddHours(1) };
        await PublishAsync(reprint, "dashboard_label_reprints", 1, $"mac = '{U1}'");
        await PublishAsync(reprint, "dashboard_label_reprints", 1, $"mac = '{U1}'");
        clock.Advance(TimeSpan.FromHours(1));
        await LabelAsync(U1);
        await PublishAsync(new PortLinkedDown { SwitchId = SwitchId, Port = 3, IfIndex = 3, Role = PortRole.Build, DetectedAt = Day1.AddHours(2) },
            "dashboard_port_links", 1, $"switch_id = '{SwitchId}' AND unlinked_at IS NOT NULL");

        clock.SetUtcNow(Day3);
        await HeartbeatAsync(U3, "Phase 1");
        await HeartbeatAsync(U4, "Phase 1");
        await LinkUpAsync(3, Day3.AddSeconds(30), 2, U3);
        clock.Advance(TimeSpan.FromMinutes(1));
        await FailedAsync(U3, "adguard", "portainer");
        await FailedAsync(U4, "adguard");
        await PublishAsync(new DebugBundleStored { Mac = U4, BundleId = Guid.NewGuid(), Source = "debug-port", Complete = true, StoredAt = Day3.AddHours(1) },
            "dashboard_debug_bundles", 1, $"mac = '{U4}'");

        clock.SetUtcNow(Day3.AddHours(2));
        await HeartbeatAsync(U5, "Phase 3: OPNsense");
        clock.Advance(TimeSpan.FromMinutes(6));
        await WaitUntilAsync(async () => await CountAsync("build_attempts", "status = 'stuck'") == 1, "U5 stuck");
    }

    private static string Mac(string prefix) => prefix + NewMac()[8..];
}
