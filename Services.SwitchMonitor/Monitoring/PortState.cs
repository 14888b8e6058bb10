namespace PrivateBox.Factory.Services.SwitchMonitor.Monitoring;

/// <summary>What the monitor knows about one port; <see cref="Announced"/> is kept across restarts.</summary>
public sealed class PortState(int port, int ifIndex, PortRole role)
{
    public int Port { get; } = port;
    public int IfIndex { get; set; } = ifIndex;
    public PortRole Role { get; } = role;

    /// <summary><c>up</c>, <c>down</c> or <c>unknown</c> (not polled yet).</summary>
    public string Link { get; set; } = "unknown";
    public HashSet<string> Macs { get; set; } = [];

    /// <summary>MACs already announced in a PortLinkedUp on this port.</summary>
    public HashSet<string> Announced { get; set; } = [];
    public DateTimeOffset? ChangedAt { get; set; }
    public DateTimeOffset? DownSince { get; set; }
    public bool DownPending { get; set; }
    public DateTimeOffset FastUntil { get; set; }
    public bool TrapTriggered { get; set; }
    public DateTimeOffset NextPollAt { get; set; }

    public bool Watched => Role is not (PortRole.Server or PortRole.Uplink);
}
