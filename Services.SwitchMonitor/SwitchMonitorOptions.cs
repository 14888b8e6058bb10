using PrivateBox.Factory.Services.SwitchMonitor.Snmp;

namespace PrivateBox.Factory.Services.SwitchMonitor;

/// <summary>Settings of the switch monitor, section "SwitchMonitor".</summary>
public sealed class SwitchMonitorOptions
{
    public const string Section = "SwitchMonitor";

    public List<SwitchOptions> Switches { get; set; } = [];

    /// <summary>UDP port traps are received on (162 in production; needs root or CAP_NET_BIND_SERVICE).</summary>
    public int TrapPort { get; set; } = 162;
    public string TrapAddress { get; set; } = "0.0.0.0";

    /// <summary>Label and debug station ports: where a unit must be noticed within seconds.</summary>
    public TimeSpan StationPollInterval { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan BuildPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After a link comes up, the port is polled this often until a MAC shows (a MAC is learned only after the unit sends a frame).</summary>
    public TimeSpan FastPollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan FastPollWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A link down for less than this and up again with the same MAC is a flap: neither down nor a new arrival.</summary>
    public TimeSpan FlapWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Community the switch sends its traps with (ProCurve sends fixed traps with <c>public</c>).</summary>
    public string TrapCommunity { get; set; } = "public";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);
    public int Retries { get; set; } = 1;

    /// <summary>Where the announced MACs and the events not yet published are kept across restarts.</summary>
    public string StateDirectory { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "PrivateBox", "SwitchMonitor");
}

public sealed class SwitchOptions
{
    public string Id { get; set; } = "procurve";
    public string Address { get; set; } = "";
    public int Port { get; set; } = 161;

    /// <summary>The read community; a secret (Aspire parameter <c>switch-community</c>), never logged.</summary>
    public string Community { get; set; } = "public";
    public SnmpVersion Version { get; set; } = SnmpVersion.V2c;
    public int PortCount { get; set; } = 24;

    /// <summary>Port roles; ports not named here are build ports.</summary>
    public Dictionary<int, Contracts.PortRole> Roles { get; set; } = new()
    {
        [21] = Contracts.PortRole.Label,
        [22] = Contracts.PortRole.Debug,
        [23] = Contracts.PortRole.Server,
        [24] = Contracts.PortRole.Uplink,
    };

    /// <summary>MACs never treated as units (the switch's own, routers); the switch's port-0 entries are ignored anyway.</summary>
    public List<string> IgnoredMacs { get; set; } = [];

    public Contracts.PortRole RoleOf(int port) => Roles.TryGetValue(port, out var role) ? role : Contracts.PortRole.Build;
}
