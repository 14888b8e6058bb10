using System.Text.Json;

namespace PrivateBox.Factory.Services.UnitApi.Heartbeats;

/// <summary>What a building unit sends every 60 s (DESIGN.md, the unit contract).</summary>
public record HeartbeatRequest(
    string? MacWan,
    string? Status,
    string? Stage,
    JsonElement? Timestamp,
    string? ProxmoxIp,
    List<string>? Macs,
    string? SshHostKey);

/// <summary>The answer to a heartbeat: which attempt it counted for and that attempt's status.</summary>
public record HeartbeatResponse(string Mac, Guid AttemptId, string Status, bool NewAttempt);
