using System.Text.Json;
using System.Text.RegularExpressions;
using PrivateBox.Factory.Services.UnitApi.Credentials;
using PrivateBox.Factory.Services.UnitApi.Infrastructure;

namespace PrivateBox.Factory.Services.UnitApi.Units;

/// <summary>A report that passed validation, with normalised values.</summary>
public sealed partial record ValidatedReport(
    string Mac,
    string Status,
    string? Serial,
    Secret? AdminPassword,
    Secret? ServicesPassword,
    DateTimeOffset? BuildTime,
    int? BuildDurationSeconds,
    Dictionary<string, string>? TestResults,
    List<string> FailedTests,
    string? ErrorLog,
    string? DiagnosticData,
    string? ProxmoxIp,
    List<string> Macs,
    bool? DebugKeyRemoved,
    bool UnitClockSuspect)
{
    private static readonly string[] AdminKeys = ["admin", "admin_password", "ssh"];
    private static readonly string[] ServicesKeys = ["services", "services_password", "web"];

    /// <summary>A stable text of everything the report says, for recognising a resend.</summary>
    public string Canonical() => JsonSerializer.Serialize(new object?[]
    {
        Mac, Status, Serial, AdminPassword?.Reveal(), ServicesPassword?.Reveal(), BuildTime, BuildDurationSeconds,
        TestResults?.OrderBy(t => t.Key, StringComparer.Ordinal).ToArray(), FailedTests, ErrorLog, DiagnosticData, ProxmoxIp,
        Macs.Order(StringComparer.Ordinal).ToArray(), DebugKeyRemoved,
    });

    public static ValidatedReport? Validate(ReportRequest r, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (!MacAddress.TryNormalize(r.MacWan, out var mac))
            errors["mac_wan"] = ["Required: a MAC address such as aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF or aabb.ccdd.eeff."];
        if (r.Status is null || !UnitStatus.Reported.Contains(r.Status))
            errors["status"] = [$"Must be one of: {string.Join(", ", UnitStatus.Reported)}."];

        string? serial = null;
        if (r.Serial is not null)
        {
            if (SerialPattern().IsMatch(r.Serial.Trim())) serial = r.Serial.Trim().ToLowerInvariant();
            else errors["serial"] = ["Must be a 36-character UUID such as 0b7e6a2c-1d2f-4c5e-9a8b-7c6d5e4f3a2b."];
        }

        var admin = r.AdminPassword ?? Pick(r.Passwords, AdminKeys);
        var services = r.ServicesPassword ?? Pick(r.Passwords, ServicesKeys);
        CheckPassword("admin_password", admin, errors);
        CheckPassword("services_password", services, errors);

        if (r.Status == UnitStatus.Ready)
        {
            if (serial is null && !errors.ContainsKey("serial")) errors["serial"] = ["A ready unit must report its serial."];
            if (admin is null) errors["admin_password"] = ["A ready unit must report its admin password."];
            if (services is null) errors["services_password"] = ["A ready unit must report its services password."];
        }

        if (!WireValues.TryParseTimestamp(r.BuildTime, out var buildTime, out var buildTimeError))
            errors["build_time"] = [buildTimeError!];
        if (!WireValues.TryParseTimestamp(r.Timestamp, out var timestamp, out var timestampError))
            errors["timestamp"] = [timestampError!];
        if (r.BuildDurationSeconds is < 0 or > 7 * 24 * 3600)
            errors["build_duration_seconds"] = ["Must be between 0 and 604800 seconds."];
        if (r.ProxmoxIp is not null && !WireValues.IsIpAddress(r.ProxmoxIp))
            errors["proxmox_ip"] = ["Must be an IPv4 or IPv6 address."];

        var testResults = new Dictionary<string, string>();
        foreach (var (name, result) in r.TestResults ?? [])
        {
            var normalized = result?.Trim().ToLowerInvariant();
            if (name.Length is 0 or > 100) errors["test_results"] = ["Test names are 1-100 characters."];
            else if (normalized is not ("pass" or "fail" or "skip")) errors[$"test_results.{name}"] = ["Must be \"pass\" or \"fail\"."];
            else testResults[name] = normalized;
        }
        if (r.TestResults?.Count > 200) errors["test_results"] = ["At most 200 tests."];

        var failedTests = (r.FailedTests ?? testResults.Where(t => t.Value == "fail").Select(t => t.Key).ToList())
            .Select(t => t.Trim()).Where(t => t.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        if (failedTests.Count > 200 || failedTests.Any(t => t.Length > 100))
            errors["failed_tests"] = ["At most 200 names of 1-100 characters."];

        var macs = UnitMacs.Parse(r.Macs, errors);
        if (errors.Count > 0) return null;

        macs.Add(mac!);
        return new ValidatedReport(mac!, r.Status!, serial, admin, services, buildTime,
            r.BuildDurationSeconds is { } d ? (int)Math.Round(d) : null,
            r.TestResults is null ? null : testResults, failedTests, r.ErrorLog,
            r.DiagnosticData is { ValueKind: not JsonValueKind.Null } data ? data.GetRawText() : null,
            r.ProxmoxIp, macs.Distinct().ToList(), r.DebugKeyRemoved,
            UnitClockSuspect: !WireValues.IsPlausible(buildTime, now) || !WireValues.IsPlausible(timestamp, now));
    }

    private static Secret? Pick(Dictionary<string, Secret>? passwords, string[] keys) =>
        passwords is null ? null : keys.Select(k => passwords.GetValueOrDefault(k)).FirstOrDefault(s => s is not null);

    // Stored verbatim: the generator's phonetic or random forms, and anything printable a newer bootstrap may use.
    private static void CheckPassword(string field, Secret? password, Dictionary<string, string[]> errors)
    {
        if (password is null) return;
        var text = password.Reveal();
        if (text.Length is < 1 or > 128 || text.Any(c => c < '!' || c > '~'))
            errors[field] = ["Must be 1-128 printable ASCII characters without spaces."];
    }

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex SerialPattern();
}
