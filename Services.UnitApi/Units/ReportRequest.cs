using System.Text.Json;
using PrivateBox.Factory.Services.UnitApi.Credentials;

namespace PrivateBox.Factory.Services.UnitApi.Units;

/// <summary>
/// A unit's final report (DESIGN.md). Passwords are <see cref="Secret"/>s, so the record's generated
/// ToString never prints them.
/// </summary>
public record ReportRequest(
    string? MacWan,
    string? Status,
    string? Serial,
    Secret? AdminPassword,
    Secret? ServicesPassword,
    Dictionary<string, Secret>? Passwords,
    JsonElement? BuildTime,
    double? BuildDurationSeconds,
    Dictionary<string, string>? TestResults,
    List<string>? FailedTests,
    string? ErrorLog,
    JsonElement? DiagnosticData,
    string? ProxmoxIp,
    List<string>? Macs,
    JsonElement? Timestamp,
    bool? DebugKeyRemoved);

/// <summary>The answer to a report; identical when the same report is sent again.</summary>
public record ReportResponse(string Mac, Guid AttemptId, int Attempt, string Status, DateTimeOffset ReportedAt);
