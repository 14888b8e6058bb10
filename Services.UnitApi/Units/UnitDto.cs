using PrivateBox.Factory.Services.UnitApi.Credentials;

namespace PrivateBox.Factory.Services.UnitApi.Units;

/// <summary>A unit's current build as callers see it; the passwords are filled only for stations.</summary>
public record UnitDto(
    string Mac,
    IReadOnlyList<string> Macs,
    Guid AttemptId,
    int Attempt,
    string Status,
    string? Stage,
    string? Serial,
    DateTimeOffset StartedAt,
    DateTimeOffset? LastHeartbeatAt,
    string? IpAddress,
    string? ProxmoxIp,
    DateTimeOffset? BuildTime,
    int? BuildDurationSeconds,
    IReadOnlyDictionary<string, string>? TestResults,
    IReadOnlyList<string> FailedTests,
    string? ErrorLog,
    DateTimeOffset? ReportedAt,
    DateTimeOffset? StuckAt,
    DateTimeOffset? LabeledAt,
    bool HasCredentials,
    string? SshHostKey,
    bool? DebugKeyRemoved,
    bool UnitClockSuspect,
    Secret? AdminPassword = null,
    Secret? ServicesPassword = null)
{
    public static UnitDto From(Unit unit, BuildAttempt a, Secret? admin = null, Secret? services = null) => new(
        unit.Mac, unit.Macs, a.Id, a.Number, a.Status, a.Stage, a.Serial, a.StartedAt, a.LastHeartbeatAt, a.IpAddress,
        a.ProxmoxIp, a.BuildTime, a.BuildDurationSeconds, a.TestResults, a.FailedTests, a.ErrorLog, a.ReportedAt,
        a.StuckAt, a.LabeledAt, a.HasCredentials, a.SshHostKey, a.DebugKeyRemoved, a.UnitClockSuspect, admin, services);
}

/// <summary>One past or current build of a unit, for the attempt history.</summary>
public record AttemptDto(Guid AttemptId, int Attempt, string Status, string? Stage, string? Serial, DateTimeOffset StartedAt,
    DateTimeOffset? ReportedAt, IReadOnlyList<string> FailedTests, DateTimeOffset? StuckAt, DateTimeOffset? LabeledAt);
