using PrivateBox.Factory.Services.UnitApi.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.UnitApi.Data;
using PrivateBox.Factory.ServiceDefaults.Telemetry;

namespace PrivateBox.Factory.Services.UnitApi.Stuck;

/// <summary>
/// Marks building units with no heartbeat for <see cref="UnitApiOptions.StuckAfter"/> as stuck, records the change
/// and queues UnitBecameStuck, all in one statement so several replicas never mark a unit twice. Silence counts only
/// while the server could hear: after this service starts, after the database was out of reach (units' heartbeats
/// failed meanwhile, not the units) and after the server's clock stepped, nothing is marked until
/// <see cref="UnitApiOptions.StuckGrace"/> has passed with the database answering.
/// </summary>
public sealed class StuckDetector(IServiceScopeFactory scopes, IOptions<UnitApiOptions> options, TimeProvider clock,
    UnitApiMetrics metrics, Dashboard.DashboardSignal dashboard, ILogger<StuckDetector> logger) : BackgroundService
{
    /// <summary>A step of the server's clock larger than this (NTP catching up, a person setting it) restarts the grace.</summary>
    public static readonly TimeSpan ClockStepTolerance = TimeSpan.FromSeconds(30);

    private DateTimeOffset? _listeningSince;
    private DateTimeOffset _lastWall;
    private long _lastTimestamp;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StuckCheckInterval, clock);
        do
        {
            try
            {
                using var poll = BackgroundWork.StartPoll("check for stuck units");
                var marked = await CheckAsync(stoppingToken);
                if (marked > 0) { metrics.UnitsStuck(marked); dashboard.Notify(); }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _listeningSince = null;
                logger.LogWarning(ex, "Stuck detection paused: the database is out of reach. It marks units again {StuckGrace} after the database answers",
                    options.Value.StuckGrace);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round of the loop: marks stuck units once the server has been listening for StuckGrace.</summary>
    public async Task<int> CheckAsync(CancellationToken ct)
    {
        var wall = clock.GetUtcNow();
        var timestamp = clock.GetTimestamp();
        if (_listeningSince is not null)
        {
            // Heartbeats are stored in the server's time: a clock stepped forward makes every unit look silent.
            var step = wall - _lastWall - clock.GetElapsedTime(_lastTimestamp, timestamp);
            if (step.Duration() > ClockStepTolerance)
            {
                logger.LogWarning("The server's clock stepped by {Step}; no unit is marked stuck for the next {StuckGrace}", step, options.Value.StuckGrace);
                _listeningSince = null;
            }
        }
        (_lastWall, _lastTimestamp) = (wall, timestamp);
        if (_listeningSince is null)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<FactoryDb>().Database.ExecuteSqlRawAsync("SELECT 1", ct);
            _listeningSince = clock.Now();
            return 0;
        }
        return clock.Now() - _listeningSince < options.Value.StuckGrace ? 0 : await MarkStuckAsync(ct);
    }

    /// <summary>Marks every building unit silent for StuckAfter, now.</summary>
    public async Task<int> MarkStuckAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FactoryDb>();
        var now = clock.Now();
        var cutoff = now - options.Value.StuckAfter;
        var type = typeof(Contracts.UnitBecameStuck).FullName!;
        var stuck = await db.Database.SqlQuery<StuckUnit>($"""
            WITH stuck AS (
                UPDATE build_attempts SET status = 'stuck', stuck_at = {now}
                WHERE status = 'building' AND last_heartbeat_at < {cutoff}
                RETURNING id, unit_mac, stage, last_heartbeat_at),
            events AS (
                INSERT INTO attempt_events (attempt_id, at, from_status, to_status, reason)
                SELECT id, {now}, 'building', 'stuck', 'no heartbeat' FROM stuck),
            outbox AS (
                INSERT INTO outbox_messages (type, payload, created_at)
                SELECT {type}, jsonb_build_object('Mac', unit_mac, 'AttemptId', id, 'Stage', stage,
                       'LastHeartbeatAt', last_heartbeat_at, 'DetectedAt', {now}), {now}
                FROM stuck)
            SELECT unit_mac AS mac, stage, last_heartbeat_at FROM stuck
            """).ToListAsync(ct);
        if (stuck.Count == 0) return 0;
        using var work = BackgroundWork.Start("mark stuck units");
        work.Activity?.SetTag("factory.units", stuck.Count);
        foreach (var unit in stuck)
            logger.LogWarning("Unit {Mac} is stuck at stage {Stage}: last heartbeat {LastHeartbeatAt:O}", unit.Mac, unit.Stage, unit.LastHeartbeatAt);
        return stuck.Count;
    }

    private sealed record StuckUnit(string Mac, string? Stage, DateTimeOffset LastHeartbeatAt);
}
