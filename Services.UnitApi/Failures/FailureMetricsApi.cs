using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PrivateBox.Factory.Services.UnitApi.Data;
using PrivateBox.Factory.Services.UnitApi.Units;

namespace PrivateBox.Factory.Services.UnitApi.Failures;

/// <summary>One failed build for engineers: which unit, when, and which tests failed. No secrets, no diagnostic blob.</summary>
public record FailedBuildDto(string Mac, Guid AttemptId, int Attempt, string Status, string? Stage, string? Serial,
    DateTimeOffset? ReportedAt, IReadOnlyList<string> FailedTests, string? ErrorLog);

/// <summary>A set of failed tests seen together, how often, and when last.</summary>
public record FailurePatternDto(IReadOnlyList<string> FailedTests, long Count, DateTimeOffset? LastSeenAt);

public record FailureMetricsDto(IReadOnlyList<FailedBuildDto> Failures, IReadOnlyList<FailurePatternDto> Patterns);

/// <summary>
/// <c>GET /api/metrics/failures</c>: failed builds newest first with their failed tests, and the failure
/// patterns (each distinct set of failed tests, order and repeats ignored, with its count). Two statements,
/// both on indexes; the patterns are grouped in PostgreSQL, never in memory.
/// </summary>
public static class FailureMetricsApi
{
    private const int ErrorLogExcerpt = 2000;

    private static readonly string[] FailedStatuses = [UnitStatus.Failed, UnitStatus.BurnInFailed];

    public static IEndpointRouteBuilder MapFailureMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/metrics/failures", Get);
        return app;
    }

    private static async Task<Results<Ok<FailureMetricsDto>, ValidationProblem>> Get(
        int? limit, DateTimeOffset? since, FactoryDb db, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Must be between 1 and 1000."] });
        var from = since ?? DateTimeOffset.MinValue;

        var failures = await db.Attempts.AsNoTracking()
            .Where(a => FailedStatuses.Contains(a.Status) && a.ReportedAt >= from)
            .OrderByDescending(a => a.ReportedAt).ThenByDescending(a => a.Id)
            .Take(limit ?? 100)
            // The first 2 000 characters of each error log: a list is read by anyone and stays small; the whole log is
            // on GET /api/units/{mac}.
            .Select(a => new FailedBuildDto(a.UnitMac, a.Id, a.Number, a.Status, a.Stage, a.Serial, a.ReportedAt, a.FailedTests,
                a.ErrorLog == null ? null : a.ErrorLog.Substring(0, ErrorLogExcerpt)))
            .ToListAsync(ct);

        var patterns = await db.Database.SqlQuery<PatternRow>($"""
            SELECT tests AS failed_tests, count(*) AS count, max(reported_at) AS last_seen_at
            FROM (SELECT ARRAY(SELECT DISTINCT t FROM unnest(failed_tests) AS t ORDER BY t) AS tests, reported_at
                  FROM build_attempts
                  WHERE status = ANY({FailedStatuses}) AND reported_at >= {from}) AS f
            GROUP BY tests
            ORDER BY count DESC, last_seen_at DESC
            """).ToListAsync(ct);

        return TypedResults.Ok(new FailureMetricsDto(failures,
            patterns.Select(p => new FailurePatternDto(p.FailedTests, p.Count, p.LastSeenAt)).ToList()));
    }

    private sealed record PatternRow(string[] FailedTests, long Count, DateTimeOffset? LastSeenAt);
}
