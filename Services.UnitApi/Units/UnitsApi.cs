using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PrivateBox.Factory.Contracts;
using PrivateBox.Factory.ServiceDefaults.Security;
using PrivateBox.Factory.Services.UnitApi.Credentials;
using PrivateBox.Factory.Services.UnitApi.Data;
using PrivateBox.Factory.Services.UnitApi.Infrastructure;
using PrivateBox.Factory.Services.UnitApi.Outbox;

namespace PrivateBox.Factory.Services.UnitApi.Units;

public static class UnitsApi
{
    public static IEndpointRouteBuilder MapUnitsApi(this IEndpointRouteBuilder app)
    {
        var units = app.MapGroup("/api/units");
        units.MapPost("/", ReportEndpoint.Handle).RequireCaller(CallerRole.Unit).RequireRateLimiting(RateLimits.Units)
            .WithDatabaseDeadline();
        units.MapGet("/", List);
        units.MapGet("/{mac}", Get);
        units.MapGet("/{mac}/attempts", Attempts);
        units.MapGet("/{mac}/redaction", Redaction).RequireCaller(CallerRole.Debug);
        units.MapDelete("/{mac}", Label).RequireCaller(CallerRole.Label);
        return app;
    }

    private static async Task<Results<Ok<UnitDto>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> Get(
        string mac, HttpContext http, FactoryDb db, CredentialProtector protector, CancellationToken ct)
    {
        if (!MacAddress.TryNormalize(mac, out var canonical)) return BadMac();
        var role = http.GetCallerRole();
        if (role == CallerRole.Anonymous && http.Request.Headers.Authorization.Count > 0)
            return TypedResults.Problem(statusCode: 401, detail: "The bearer key is not valid.");

        var unit = await db.FindByAnyMacAsync(canonical, ct);
        if (unit?.CurrentAttempt is not { } attempt) return UnitNotFound(canonical);

        if (role == CallerRole.Label && await PasswordsAsync(db, protector, attempt, ct) is (var admin, var services))
            return TypedResults.Ok(UnitDto.From(unit, attempt, admin, services));
        return TypedResults.Ok(UnitDto.From(unit, attempt));
    }

    /// <summary>
    /// What the debug collector needs to remove a unit's passwords from the logs it collects, never the passwords
    /// themselves (<see cref="SecretDigest"/>): the debug key reads no password.
    /// </summary>
    private static async Task<Results<Ok<RedactionDigests>, NotFound<ProblemDetails>, ValidationProblem>> Redaction(
        string mac, FactoryDb db, CredentialProtector protector, CancellationToken ct)
    {
        if (!MacAddress.TryNormalize(mac, out var canonical)) return BadMac();
        var unit = await db.FindByAnyMacAsync(canonical, ct);
        if (unit?.CurrentAttempt is not { } attempt) return UnitNotFound(canonical);
        return TypedResults.Ok(RedactionDigests.Of(await PasswordsAsync(db, protector, attempt, ct) is (var admin, var services)
            ? [admin.Reveal(), services.Reveal()]
            : []));
    }

    /// <summary>The attempt's passwords, decrypted; null when it holds none.</summary>
    private static async Task<(Secret Admin, Secret Services)?> PasswordsAsync(FactoryDb db, CredentialProtector protector, BuildAttempt attempt, CancellationToken ct) =>
        attempt.HasCredentials && await db.Credentials.AsNoTracking().SingleOrDefaultAsync(c => c.AttemptId == attempt.Id, ct) is { } credential
            ? (protector.Unprotect(attempt.Id, credential.AdminPassword), protector.Unprotect(attempt.Id, credential.ServicesPassword))
            : null;

    private static async Task<Results<Ok<List<UnitDto>>, ValidationProblem>> List(string? status, int? limit, FactoryDb db, CancellationToken ct)
    {
        if (status is not null && !UnitStatus.All.Contains(status))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"Must be one of: {string.Join(", ", UnitStatus.All)}."] });
        if (limit is < 1 or > 5000)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Must be between 1 and 5000."] });

        var query = db.Units.AsNoTracking().Include(u => u.CurrentAttempt).Where(u => u.CurrentAttempt != null);
        if (status is not null) query = query.Where(u => u.CurrentAttempt!.Status == status);
        var units = await query.OrderByDescending(u => u.CurrentAttempt!.StartedAt).Take(limit ?? 500).ToListAsync(ct);
        // Error logs (up to 1 MiB each) stay on the single-unit endpoint: a list is read by anyone and stays small.
        return TypedResults.Ok(units.Select(u => UnitDto.From(u, u.CurrentAttempt!) with { ErrorLog = null }).ToList());
    }

    private static async Task<Results<Ok<List<AttemptDto>>, NotFound<ProblemDetails>, ValidationProblem>> Attempts(string mac, FactoryDb db, CancellationToken ct)
    {
        if (!MacAddress.TryNormalize(mac, out var canonical)) return BadMac();
        var unit = await db.FindByAnyMacAsync(canonical, ct);
        if (unit is null) return UnitNotFound(canonical);
        var attempts = await db.Attempts.AsNoTracking().Where(a => a.UnitMac == unit.Mac).OrderBy(a => a.Number)
            .Select(a => new AttemptDto(a.Id, a.Number, a.Status, a.Stage, a.Serial, a.StartedAt, a.ReportedAt, a.FailedTests, a.StuckAt, a.LabeledAt))
            .ToListAsync(ct);
        return TypedResults.Ok(attempts);
    }

    /// <summary>
    /// The label is printed: purge the passwords for good and keep the build record as labeled. A station names the
    /// attempt whose label it printed (<c>?attempt=</c>, the <c>attempt_id</c> it read): if the unit has begun another
    /// build since, that label's passwords are already gone with it and the call answers 409.
    /// </summary>
    private static async Task<Results<Ok<UnitDto>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> Label(
        string mac, Guid? attempt, FactoryDb db, TimeProvider clock, UnitApiMetrics metrics, Dashboard.DashboardSignal dashboard, ILogger<UnitDto> logger, CancellationToken ct)
    {
        if (!MacAddress.TryNormalize(mac, out var canonical)) return BadMac();
        var found = await db.FindByAnyMacAsync(canonical, ct);
        if (found?.CurrentAttempt is null) return UnitNotFound(canonical);

        var now = clock.Now();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var unit = await db.Units.FromSql($"SELECT * FROM units WHERE mac = {found.Mac} FOR UPDATE").SingleAsync(ct);
            var current = await db.Attempts.SingleAsync(a => a.Id == unit.CurrentAttemptId, ct);
            if (attempt is { } printed && printed != current.Id)
                return TypedResults.Problem(statusCode: 409, title: "Another build since",
                    detail: $"Unit {unit.Mac} began build attempt {current.Number} after the label was looked up; the printed build's passwords are already deleted.");
            if (!AttemptLifecycle.OnLabel(current.Status, out var alreadyLabeled))
                return TypedResults.Problem(statusCode: 409, title: "Not ready for labeling",
                    detail: $"Unit {unit.Mac} is {current.Status}; only a ready unit is labeled and purged.");
            if (alreadyLabeled) return TypedResults.Ok(UnitDto.From(unit, current));

            await db.Credentials.Where(c => c.AttemptId == current.Id).ExecuteDeleteAsync(ct);
            db.AttemptEvents.Add(new AttemptEvent { AttemptId = current.Id, At = now, FromStatus = current.Status, ToStatus = UnitStatus.Labeled, Reason = "label printed" });
            current.Status = UnitStatus.Labeled;
            current.LabeledAt = now;
            current.HasCredentials = false;
            db.Outbox.Add(OutboxMessages.Create(new UnitLabeled { Mac = unit.Mac, AttemptId = current.Id, Serial = current.Serial, LabeledAt = now }, now));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            found = unit;
            found.CurrentAttempt = current;
        }

        // Deleted rows stay in the table file until vacuumed; vacuum now so no ciphertext of a labeled unit remains live.
        await db.Database.ExecuteSqlRawAsync("VACUUM unit_credentials", ct);
        metrics.UnitLabeled();
        dashboard.Notify();
        logger.LogInformation("Unit {Mac} labeled; credentials of attempt {Attempt} purged", found.Mac, found.CurrentAttempt.Number);
        return TypedResults.Ok(UnitDto.From(found, found.CurrentAttempt));
    }

    private static ValidationProblem BadMac() => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["mac"] = ["Not a MAC address (aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF or aabb.ccdd.eeff)."] });

    private static NotFound<ProblemDetails> UnitNotFound(string mac) =>
        TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "Unknown unit", Detail = $"No unit has reported MAC {mac}." });
}
