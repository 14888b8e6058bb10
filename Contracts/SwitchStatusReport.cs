namespace PrivateBox.Factory.Contracts;

/// <summary>
/// What SwitchMonitor answers on <c>GET /api/switch/status</c>: every configured switch, its last poll
/// and each port's link state and learned MACs. Read by the dashboard for placement and line health.
/// </summary>
public record SwitchStatusResponse
{
    public required IReadOnlyList<SwitchStatus> Switches { get; init; }
}

public record SwitchStatus
{
    public required string SwitchId { get; init; }
    public required string Address { get; init; }

    /// <summary><c>Healthy</c>, <c>Degraded</c> (last poll failed, earlier ones worked) or <c>Unreachable</c>.</summary>
    public required string State { get; init; }
    public DateTimeOffset? LastPollAt { get; init; }
    public string? LastError { get; init; }
    public required IReadOnlyList<PortStatus> Ports { get; init; }
}

public record PortStatus
{
    public required int Port { get; init; }
    public required int IfIndex { get; init; }
    public required PortRole Role { get; init; }

    /// <summary><c>up</c>, <c>down</c> or <c>unknown</c> (not polled yet).</summary>
    public required string Link { get; init; }
    public IReadOnlyList<string> Macs { get; init; } = [];
    public DateTimeOffset? ChangedAt { get; init; }
}
