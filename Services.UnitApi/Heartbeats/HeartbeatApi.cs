using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.ServiceDefaults.Security;
using PrivateBox.Factory.Services.UnitApi.Dashboard;
using PrivateBox.Factory.Services.UnitApi.Infrastructure;
using PrivateBox.Factory.Services.UnitApi.Units;

namespace PrivateBox.Factory.Services.UnitApi.Heartbeats;

public static class HeartbeatApi
{
    /// <summary>The key of the heartbeats' own multiplexing NpgsqlDataSource.</summary>
    public const string DataSource = "heartbeats";

    public static IEndpointRouteBuilder MapHeartbeatApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/heartbeat", RecordHeartbeat)
            .RequireCaller(CallerRole.Unit)
            .RequireRateLimiting(RateLimits.Units)
            .WithDatabaseDeadline();
        return app;
    }

    private static async Task<IResult> RecordHeartbeat(HttpContext http, [FromKeyedServices(DataSource)] NpgsqlDataSource db, TimeProvider clock,
        IOptions<UnitApiOptions> options, UnitApiMetrics metrics, DashboardSignal dashboard, ILogger<HeartbeatRequest> logger, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<HeartbeatRequest>(http.Request, ct);
        if (problem is not null) return problem;

        var now = clock.Now();
        var errors = new Dictionary<string, string[]>();
        if (!MacAddress.TryNormalize(request!.MacWan, out var mac))
            errors["mac_wan"] = ["Required: a MAC address such as aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF or aabb.ccdd.eeff."];
        if (request.Status is not null && request.Status != UnitStatus.Building)
            errors["status"] = [$"A heartbeat's status is \"{UnitStatus.Building}\"; final results go to POST /api/units."];
        if (request.Stage is { Length: > 200 })
            errors["stage"] = ["At most 200 characters."];
        if (!WireValues.TryParseTimestamp(request.Timestamp, out var unitTimestamp, out var timestampError))
            errors["timestamp"] = [timestampError!];
        if (request.ProxmoxIp is not null && !WireValues.IsIpAddress(request.ProxmoxIp))
            errors["proxmox_ip"] = ["Must be an IPv4 or IPv6 address."];
        if (request.SshHostKey is not null && !WireValues.IsSshFingerprint(request.SshHostKey))
            errors["ssh_host_key"] = ["Must be an OpenSSH SHA-256 fingerprint: SHA256: and 43 base64 characters."];
        var macs = UnitMacs.Parse(request.Macs, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid heartbeat");

        macs.Add(mac!);
        var ip = http.Connection.RemoteIpAddress is { } remote
            ? (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString()
            : null;

        var clockSuspect = !WireValues.IsPlausible(unitTimestamp, now);
        var outcome = await RecordAsync(db, mac!, macs.Distinct().ToArray(), request.Stage, unitTimestamp, now, ip,
            request.ProxmoxIp, request.SshHostKey, clockSuspect, options.Value.RebuildGrace, ct);
        if (clockSuspect)
            logger.LogWarning("Unit {Mac} sent the time {UnitTime:u}; its clock is wrong (stored, flagged, accepted)", mac, unitTimestamp);

        metrics.HeartbeatReceived(outcome.NewAttempt);
        dashboard.Notify();
        if (outcome.NewAttempt)
            logger.LogInformation("Unit {Mac} started build attempt {AttemptId} from {Ip}", mac, outcome.AttemptId, ip);
        return TypedResults.Ok(new HeartbeatResponse(mac!, outcome.AttemptId, outcome.Status, outcome.NewAttempt));
    }

    // The hottest path of the suite (twenty units a minute each, more in bursts), straight on the multiplexing pool
    // with no query pipeline. A unit in the middle of its build, with no new MACs, is one plain UPDATE (about a third
    // cheaper for PostgreSQL than the function); anything else, or a race lost to a report, is record_heartbeat.
    // Two primary-key lookups whatever the statistics say: a join here was planned badly until the first ANALYZE.
    private const string BuildingUnit = """
        UPDATE build_attempts a SET
            stage = COALESCE($3, a.stage),
            last_unit_timestamp = COALESCE($4, a.last_unit_timestamp),
            last_heartbeat_at = $5,
            heartbeat_count = a.heartbeat_count + 1,
            ip_address = COALESCE($6, a.ip_address),
            proxmox_ip = COALESCE($7, a.proxmox_ip),
            ssh_host_key = COALESCE($8, a.ssh_host_key),
            unit_clock_suspect = a.unit_clock_suspect OR $9
        WHERE a.id = (SELECT u.current_attempt_id FROM units u WHERE u.mac = $1 AND u.macs @> $2)
          AND a.status = 'building'
        RETURNING a.id
        """;

    // The host key an enrolled unit reports and a wrong clock's flag ride on the building unit's UPDATE; after
    // record_heartbeat (whose signature predates them) they take a statement of their own, only when there is one.
    private const string EnrollmentFields = """
        UPDATE build_attempts SET ssh_host_key = COALESCE($2, ssh_host_key), unit_clock_suspect = unit_clock_suspect OR $3
        WHERE id = $1
        """;

    private static async Task<HeartbeatOutcome> RecordAsync(NpgsqlDataSource db, string mac, string[] macs, string? stage,
        DateTimeOffset? unitTimestamp, DateTimeOffset now, string? ip, string? proxmoxIp, string? hostKey, bool clockSuspect,
        TimeSpan rebuildGrace, CancellationToken ct)
    {
        await using (var update = db.CreateCommand(BuildingUnit))
        {
            AddHeartbeat(update.Parameters);
            AddEnrollment(update.Parameters);
            if (await update.ExecuteScalarAsync(ct) is Guid attempt) return new HeartbeatOutcome(attempt, UnitStatus.Building, false);
        }

        // New MACs: none of them may be another unit's.
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            var foreign = await UnitMacs.OwnedByOthersAsync(connection, mac, macs, ct);
            if (foreign.Count > 0) macs = macs.Where(m => !foreign.Contains(m)).ToArray();
        }

        await using var command = db.CreateCommand(
            "SELECT attempt_id, status, new_attempt FROM record_heartbeat($1, $2, $3, $4, $5, $6, $7, $8)");
        AddHeartbeat(command.Parameters);
        command.Parameters.Add(Parameter(rebuildGrace, NpgsqlDbType.Interval));
        HeartbeatOutcome outcome;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            outcome = new HeartbeatOutcome(reader.GetGuid(0), reader.GetString(1), reader.GetBoolean(2));
        }
        if (hostKey is not null || clockSuspect)
        {
            await using var enrollment = db.CreateCommand(EnrollmentFields);
            enrollment.Parameters.Add(Parameter(outcome.AttemptId, NpgsqlDbType.Uuid));
            AddEnrollment(enrollment.Parameters);
            await enrollment.ExecuteNonQueryAsync(ct);
        }
        return outcome;

        void AddHeartbeat(NpgsqlParameterCollection parameters)
        {
            parameters.Add(Parameter(mac, NpgsqlDbType.Text));
            parameters.Add(Parameter(macs, NpgsqlDbType.Array | NpgsqlDbType.Text));
            parameters.Add(Parameter(stage, NpgsqlDbType.Text));
            parameters.Add(Parameter(unitTimestamp?.ToUniversalTime(), NpgsqlDbType.TimestampTz));
            parameters.Add(Parameter(now.ToUniversalTime(), NpgsqlDbType.TimestampTz));
            parameters.Add(Parameter(ip, NpgsqlDbType.Text));
            parameters.Add(Parameter(proxmoxIp, NpgsqlDbType.Text));
        }

        void AddEnrollment(NpgsqlParameterCollection parameters)
        {
            parameters.Add(Parameter(hostKey, NpgsqlDbType.Text));
            parameters.Add(Parameter(clockSuspect, NpgsqlDbType.Boolean));
        }
    }

    private static NpgsqlParameter Parameter(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    private sealed record HeartbeatOutcome(Guid AttemptId, string Status, bool NewAttempt);
}
