using Microsoft.EntityFrameworkCore;
using PrivateBox.Factory.Services.UnitApi.Data;

namespace PrivateBox.Factory.Services.UnitApi.Metrics;

/// <summary>One unit on the end-of-day checklist; no credentials.</summary>
public record ChecklistUnit(string Mac, string Status, string? Serial, string? Stage, DateTimeOffset Since,
    DateTimeOffset? LastHeartbeatAt, string[] FailedTests);

/// <summary>The seed's end-of-day checklist: what must not be left on the line overnight.</summary>
public record EndOfDayReport(DateTimeOffset GeneratedAt, IReadOnlyList<ChecklistUnit> Stuck,
    IReadOnlyList<ChecklistUnit> FailedAwaitingDebug, IReadOnlyList<ChecklistUnit> ReadyNotLabeled);

public static class EndOfDay
{
    public static async Task<EndOfDayReport> LoadAsync(FactoryDb db, TimeProvider clock, CancellationToken ct)
    {
        // A failed unit awaits debugging until a debug bundle for any of its MACs is stored after its failure.
        var units = await db.Database.SqlQuery<ChecklistUnit>($"""
            SELECT u.mac, a.status, a.serial, a.stage, coalesce(a.stuck_at, a.reported_at, a.started_at) AS since,
                   a.last_heartbeat_at, a.failed_tests
            FROM units u JOIN build_attempts a ON a.id = u.current_attempt_id
            WHERE a.status IN ('stuck', 'ready', 'burn_in_complete')
               OR (a.status IN ('failed', 'burn_in_failed') AND NOT EXISTS (
                    SELECT 1 FROM dashboard_debug_bundles b
                    WHERE (b.mac = u.mac OR b.mac = ANY (u.macs)) AND b.stored_at >= a.reported_at))
            ORDER BY since
            """).ToListAsync(ct);
        return new EndOfDayReport(clock.GetUtcNow(),
            [.. units.Where(u => u.Status == "stuck")],
            [.. units.Where(u => u.Status is "failed" or "burn_in_failed")],
            [.. units.Where(u => u.Status is "ready" or "burn_in_complete")]);
    }

    public static string ToCsv(EndOfDayReport report) => Csv.Write(
        ["item", "mac", "status", "serial", "stage", "since", "last_heartbeat_at", "failed_tests"],
        new[] { ("stuck", report.Stuck), ("failed_awaiting_debug", report.FailedAwaitingDebug), ("ready_not_labeled", report.ReadyNotLabeled) }
            .SelectMany(group => group.Item2.Select(u => new object?[]
                { group.Item1, u.Mac, u.Status, u.Serial, u.Stage, u.Since, u.LastHeartbeatAt, string.Join(' ', u.FailedTests) })));
}
