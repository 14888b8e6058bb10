using PrivateBox.Factory.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.UnitApi.Data;
using PrivateBox.Factory.Services.UnitApi.Units;

namespace PrivateBox.Factory.Services.UnitApi.Dashboard;

/// <summary>A unit on the board: status and timing only, never credentials.</summary>
public record BoardUnit(string Mac, string Status, string? Stage, string? Serial, DateTimeOffset StartedAt,
    DateTimeOffset? LastHeartbeatAt, DateTimeOffset? ReportedAt, DateTimeOffset? StuckAt, string[] FailedTests,
    string? SwitchId, int? Port, string? Role);

public record BoardPort(int Port, string State, bool LinkUp, BoardUnit? Unit);

public record LabeledUnit(string Mac, string? Serial, DateTimeOffset LabeledAt);

public record BoardCounts(int Building, int Ready, int Failed, int Stuck, int Unplaced);

/// <summary>Everything the dashboard shows, in one document (GET /api/metrics/board).</summary>
public record BoardState(DateTimeOffset GeneratedAt, BoardCounts Counts, IReadOnlyList<BoardPort> Ports,
    IReadOnlyList<BoardUnit> Unplaced, IReadOnlyList<BoardUnit> Failed, IReadOnlyList<BoardUnit> Stuck,
    IReadOnlyList<LabeledUnit> Labeled, IReadOnlyList<HealthLight> Health);

public static class Board
{
    private const int MaxActive = 500;

    public static async Task<BoardState> LoadAsync(FactoryDb db, LineHealth health, IOptions<DashboardOptions> options, TimeProvider clock, CancellationToken ct)
    {
        // Each active unit with the build-side port it is on now: the newest open link holding any MAC it owns.
        var units = await db.Database.SqlQuery<BoardUnit>($"""
            SELECT u.mac, a.status, a.stage, a.serial, a.started_at, a.last_heartbeat_at, a.reported_at, a.stuck_at,
                   a.failed_tests, l.switch_id, l.port, l.role
            FROM units u
            JOIN build_attempts a ON a.id = u.current_attempt_id
            LEFT JOIN LATERAL (
                SELECT switch_id, port, role FROM dashboard_port_links pl
                WHERE pl.unlinked_at IS NULL AND (pl.macs && u.macs OR u.mac = ANY (pl.macs))
                ORDER BY pl.linked_at DESC LIMIT 1) l ON true
            WHERE a.status <> {UnitStatus.Labeled}
            ORDER BY a.started_at DESC
            LIMIT {MaxActive}
            """).ToListAsync(ct);
        var linkedPorts = await db.PortLinks.AsNoTracking()
            .Where(l => l.UnlinkedAt == null && l.Role == nameof(PortRole.Build)).Select(l => l.Port).ToListAsync(ct);
        var labeled = await db.Attempts.AsNoTracking().Where(a => a.LabeledAt != null).OrderByDescending(a => a.LabeledAt)
            .Take(10).Select(a => new LabeledUnit(a.UnitMac, a.Serial, a.LabeledAt!.Value)).ToListAsync(ct);

        var onBuildPort = units.Where(u => u.Role == nameof(PortRole.Build) && u.Port is >= 1 && u.Port <= options.Value.BuildPorts)
            .GroupBy(u => u.Port!.Value).ToDictionary(g => g.Key, g => g.First());
        var ports = Enumerable.Range(1, options.Value.BuildPorts).Select(port => onBuildPort.TryGetValue(port, out var unit)
            ? new BoardPort(port, TileState(unit.Status), true, unit)
            : new BoardPort(port, "empty", linkedPorts.Contains(port), null)).ToList();
        var placed = onBuildPort.Values.Select(u => u.Mac).ToHashSet();
        var unplaced = units.Where(u => !placed.Contains(u.Mac)).ToList();

        return new BoardState(clock.GetUtcNow(),
            new BoardCounts(
                units.Count(u => u.Status == UnitStatus.Building),
                units.Count(u => UnitStatus.IsLabelable(u.Status)),
                units.Count(u => IsFailed(u.Status)),
                units.Count(u => u.Status == UnitStatus.Stuck),
                unplaced.Count),
            ports, unplaced,
            [.. units.Where(u => IsFailed(u.Status))],
            [.. units.Where(u => u.Status == UnitStatus.Stuck)],
            labeled, health.Lights);
    }

    public static bool IsFailed(string status) => status is UnitStatus.Failed or UnitStatus.BurnInFailed;

    private static string TileState(string status) => status switch
    {
        UnitStatus.BurnInComplete => UnitStatus.Ready,
        UnitStatus.BurnInFailed => UnitStatus.Failed,
        _ => status,
    };
}
