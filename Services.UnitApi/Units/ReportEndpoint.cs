using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Contracts;
using PrivateBox.Factory.Services.UnitApi.Credentials;
using PrivateBox.Factory.Services.UnitApi.Data;
using PrivateBox.Factory.Services.UnitApi.Infrastructure;
using PrivateBox.Factory.Services.UnitApi.Outbox;

namespace PrivateBox.Factory.Services.UnitApi.Units;

/// <summary>POST /api/units: a final report, an upsert keyed by mac_wan; what it may do is <see cref="AttemptLifecycle"/>'s.</summary>
public static class ReportEndpoint
{
    public static async Task<IResult> Handle(HttpContext http, FactoryDb db, TimeProvider clock, CredentialProtector protector,
        IOptions<UnitApiOptions> options, UnitApiMetrics metrics, Dashboard.DashboardSignal dashboard, ILogger<ReportRequest> logger, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<ReportRequest>(http.Request, ct);
        if (problem is not null) return problem;

        var now = clock.Now();
        var errors = new Dictionary<string, string[]>();
        var report = ValidatedReport.Validate(request!, now, errors);
        if (report is null) return TypedResults.ValidationProblem(errors, title: "Invalid report");
        var fingerprint = protector.Fingerprint(report.Canonical());

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var unit = await db.LockOrCreateAsync(report.Mac, now, ct);
        var attempt = unit.CurrentAttemptId is { } id ? await db.Attempts.SingleAsync(a => a.Id == id, ct) : null;

        var decision = AttemptLifecycle.OnReport(attempt, report.Status, attempt?.ReportHash == fingerprint, now, options.Value.RebuildGrace);
        switch (decision)
        {
            case AttemptLifecycle.ReportDecision.Replay:
                return TypedResults.Ok(Response(unit, attempt!));
            case AttemptLifecycle.ReportDecision.RefuseLabeled:
                return TypedResults.Problem(statusCode: 409, title: "Already labeled",
                    detail: $"Unit {report.Mac} was labeled at {attempt!.LabeledAt:u}; a rebuilt unit starts a new build with heartbeats.");
            case AttemptLifecycle.ReportDecision.RefuseBurnInNotReady:
                return TypedResults.Problem(statusCode: 409, title: "Not ready",
                    detail: $"Burn-in results apply to a ready unit; {report.Mac} is {attempt?.Status ?? "unknown"}.");
            case AttemptLifecycle.ReportDecision.RefuseAlreadyReady:
                return TypedResults.Problem(statusCode: 409, title: "Already ready",
                    detail: $"Unit {report.Mac} reported ready at {attempt!.ReportedAt:u}; its passwords are kept until the label is printed.");
        }

        var startsNewAttempt = decision == AttemptLifecycle.ReportDecision.NewAttempt;
        if (startsNewAttempt)
        {
            var number = await db.Attempts.Where(a => a.UnitMac == unit.Mac).MaxAsync(a => (int?)a.Number, ct) ?? 0;
            attempt = new BuildAttempt { Id = Guid.CreateVersion7(), UnitMac = unit.Mac, Number = number + 1, Status = UnitStatus.Building, StartedAt = now };
            db.Attempts.Add(attempt);
            await db.SaveChangesAsync(ct);
            unit.CurrentAttemptId = attempt.Id;
        }

        db.AttemptEvents.Add(new AttemptEvent { AttemptId = attempt!.Id, At = now, FromStatus = startsNewAttempt ? null : attempt.Status, ToStatus = report.Status, Reason = "report" });
        Apply(attempt, report, now, fingerprint);
        var foreign = await UnitMacs.OwnedByOthersAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), unit.Mac, report.Macs, ct);
        unit.Macs = unit.Macs.Union(report.Macs.Where(m => !foreign.Contains(m))).ToList();

        if (report.AdminPassword is not null && report.ServicesPassword is not null)
        {
            var credential = await db.Credentials.FindAsync([attempt.Id], ct);
            if (credential is null)
            {
                credential = new UnitCredential { AttemptId = attempt.Id, AdminPassword = [], ServicesPassword = [], CreatedAt = now };
                db.Credentials.Add(credential);
            }
            credential.AdminPassword = protector.Protect(attempt.Id, report.AdminPassword);
            credential.ServicesPassword = protector.Protect(attempt.Id, report.ServicesPassword);
            attempt.HasCredentials = true;
        }

        db.Outbox.Add(OutboxMessages.Create(new UnitReported
        {
            Mac = unit.Mac, AttemptId = attempt.Id, Status = attempt.Status, FailedTests = attempt.FailedTests,
            IpAddress = attempt.IpAddress, ReportedAt = now,
        }, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        metrics.ReportStored(report.Status);
        dashboard.Notify();
        logger.LogInformation("Unit {Mac} reported {Status} for attempt {Attempt} ({FailedTests} failed tests)",
            unit.Mac, report.Status, attempt.Number, attempt.FailedTests.Count);
        return TypedResults.Ok(Response(unit, attempt));
    }

    private static void Apply(BuildAttempt attempt, ValidatedReport report, DateTimeOffset now, string fingerprint)
    {
        attempt.Status = report.Status;
        attempt.ReportedAt = now;
        attempt.ReportHash = fingerprint;
        attempt.StuckAt = null;
        // Only a labelable attempt keeps passwords; the database deletes them on the status change (CredentialLifecycle).
        if (!UnitStatus.IsLabelable(report.Status)) attempt.HasCredentials = false;
        if (report.Status is UnitStatus.BurnInComplete or UnitStatus.BurnInFailed)
        {
            // Burn-in adds its own test results to the build's; the rest of the build record stands.
            attempt.TestResults = (attempt.TestResults ?? []).Concat(report.TestResults ?? []).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Last().Value);
            attempt.FailedTests = attempt.FailedTests.Union(report.FailedTests).ToList();
            attempt.ErrorLog = report.ErrorLog ?? attempt.ErrorLog;
            attempt.DiagnosticData = report.DiagnosticData ?? attempt.DiagnosticData;
            return;
        }
        attempt.Serial = report.Serial ?? attempt.Serial;
        attempt.BuildTime = report.BuildTime ?? now;
        // The unit's clock is stored as it said, never trusted for a decision: a wrong one is flagged, and the
        // duration then comes from the server's own times.
        attempt.UnitClockSuspect |= report.UnitClockSuspect;
        var sinceFirstHeartbeat = ((report.UnitClockSuspect ? now : attempt.BuildTime.Value) - attempt.StartedAt).TotalSeconds;
        attempt.BuildDurationSeconds = report.BuildDurationSeconds ?? (sinceFirstHeartbeat > 0 ? (int)sinceFirstHeartbeat : null);
        attempt.TestResults = report.TestResults;
        attempt.FailedTests = report.FailedTests;
        attempt.ErrorLog = report.ErrorLog;
        attempt.DiagnosticData = report.DiagnosticData;
        attempt.ProxmoxIp = report.ProxmoxIp ?? attempt.ProxmoxIp;
        attempt.DebugKeyRemoved = report.DebugKeyRemoved;
    }

    private static ReportResponse Response(Unit unit, BuildAttempt attempt) =>
        new(unit.Mac, attempt.Id, attempt.Number, attempt.Status, attempt.ReportedAt!.Value);
}
