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
    public static IEndpointRouteBuilder MapHeartbeatApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/heartbeat", RecordHeartbeat)
            .RequireCaller(CallerRole.Unit)
            .RequireRateLimiting(RateLimits.Units);
        return app;
    }

    private static async Task<IResult> RecordHeartbeat(HttpContext http, NpgsqlDataSource db, TimeProvider clock,
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
        if (!WireValues.TryParseTimestamp(request.Timestamp, now, out var unitTimestamp, out var timestampError))
            errors["timestamp"] = [timestampError!];
        if (request.ProxmoxIp is not null && !WireValues.IsIpAddress(request.ProxmoxIp))
            errors["proxmox_ip"] = ["Must be an IPv4 or IPv6 address."];
        var macs = UnitMacs.Parse(request.Macs, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid heartbeat");

        macs.Add(mac!);
        var ip = http.Connection.RemoteIpAddress is { } remote
            ? (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString()
            : null;

        var outcome = await RecordAsync(db, mac!, macs.Distinct().ToArray(), request.Stage, unitTimestamp, now, ip,
            request.ProxmoxIp, options.Value.RebuildGrace, ct);

        metrics.HeartbeatReceived(outcome.NewAttempt);
        dashboard.Notify();
        if (outcome.NewAttempt)
            logger.LogInformation("Unit {Mac} started build attempt {AttemptId} from {Ip}", mac, outcome.AttemptId, ip);
        return TypedResults.Ok(new HeartbeatResponse(mac!, outcome.AttemptId, outcome.Status, outcome.NewAttempt));
    }

    // The hottest path of the suite (twenty units a minute each, more in bursts): one prepared statement
    // straight on the pool that EF Core shares, no query pipeline.
    private static async Task<HeartbeatOutcome> RecordAsync(NpgsqlDataSource db, string mac, string[] macs, string? stage,
        DateTimeOffset? unitTimestamp, DateTimeOffset now, string? ip, string? proxmoxIp, TimeSpan rebuildGrace, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT attempt_id, status, new_attempt FROM record_heartbeat($1, $2, $3, $4, $5, $6, $7, $8)");
        command.Parameters.Add(Parameter(mac, NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(macs, NpgsqlDbType.Array | NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(stage, NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(unitTimestamp?.ToUniversalTime(), NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Parameter(now.ToUniversalTime(), NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Parameter(ip, NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(proxmoxIp, NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(rebuildGrace, NpgsqlDbType.Interval));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new HeartbeatOutcome(reader.GetGuid(0), reader.GetString(1), reader.GetBoolean(2));
    }

    private static NpgsqlParameter Parameter(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    private sealed record HeartbeatOutcome(Guid AttemptId, string Status, bool NewAttempt);
}
