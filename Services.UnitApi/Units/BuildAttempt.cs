namespace PrivateBox.Factory.Services.UnitApi.Units;

/// <summary>One build of a unit, from its first heartbeat or report to its label. Holds no secrets.</summary>
public class BuildAttempt
{
    public Guid Id { get; set; }
    public required string UnitMac { get; set; }
    public int Number { get; set; }
    public required string Status { get; set; }
    public string? Stage { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? LastHeartbeatAt { get; set; }
    public DateTimeOffset? LastUnitTimestamp { get; set; }
    public int HeartbeatCount { get; set; }
    public string? IpAddress { get; set; }
    public string? ProxmoxIp { get; set; }
    /// <summary>The SSH host key fingerprint the unit reported (SHA256:...); the debug collector trusts exactly this key.</summary>
    public string? SshHostKey { get; set; }

    public string? Serial { get; set; }
    public DateTimeOffset? BuildTime { get; set; }
    public int? BuildDurationSeconds { get; set; }
    public Dictionary<string, string>? TestResults { get; set; }
    public List<string> FailedTests { get; set; } = [];
    public string? ErrorLog { get; set; }
    public string? DiagnosticData { get; set; }
    public DateTimeOffset? ReportedAt { get; set; }
    /// <summary>HMAC of the last report, so a resent report is recognised and answered without storing it twice.</summary>
    public string? ReportHash { get; set; }

    public DateTimeOffset? StuckAt { get; set; }
    public DateTimeOffset? LabeledAt { get; set; }
    public bool HasCredentials { get; set; }
    /// <summary>True when the ready report said the factory debug key was taken off the unit.</summary>
    public bool? DebugKeyRemoved { get; set; }
    /// <summary>The unit sent a time before 2020 or over a day ahead of the server: its clock is wrong (stored, not trusted).</summary>
    public bool UnitClockSuspect { get; set; }
}
