using Microsoft.EntityFrameworkCore;
using Npgsql;
using PrivateBox.Factory.Services.UnitApi.Data;

namespace PrivateBox.Factory.Services.UnitApi.Metrics;

public record DailyMetrics(DateOnly Day, int Reported, int Succeeded, int Failed, double? SuccessRate,
    int FirstPassUnits, int FirstPassSucceeded, double? FirstPassYield, int Stuck, int Reprints);

public record HistogramBin(int FromSeconds, int ToSeconds, int Count);

public record DurationMetrics(int Count, double? P50Seconds, double? P95Seconds, int BinSeconds, IReadOnlyList<HistogramBin> Histogram);

public record FailureShare(string Key, int Failures, double Share, double CumulativeShare);

public record FailureGroup(string Key, int Attempts, int Failures, double? FailureRate);

/// <summary>
/// The seed's quality control metrics over attempts reported in a range of factory days. Succeeded means ready,
/// burn_in_complete or labeled; failed means failed or burn_in_failed. Days with nothing are zeros and null rates.
/// </summary>
public static class QualityMetrics
{
    private const string Success = "'ready', 'burn_in_complete', 'labeled'";
    private const string Failure = "'failed', 'burn_in_failed'";

    public static async Task<List<DailyMetrics>> DailyAsync(FactoryDb db, MetricsRange range, CancellationToken ct)
    {
        var rows = await db.Database.SqlQueryRaw<DailyRow>($"""
            WITH reported AS (
                SELECT (reported_at AT TIME ZONE @zone)::date AS day,
                       count(*) FILTER (WHERE status IN ({Success})) AS succeeded,
                       count(*) FILTER (WHERE status IN ({Failure})) AS failed,
                       count(*) FILTER (WHERE number = 1 AND status IN ({Success}, {Failure})) AS first_pass_units,
                       count(*) FILTER (WHERE number = 1 AND status IN ({Success})) AS first_pass_succeeded
                FROM build_attempts WHERE reported_at >= @from AND reported_at < @to GROUP BY 1),
            stuck AS (
                SELECT (at AT TIME ZONE @zone)::date AS day, count(*) AS stuck
                FROM attempt_events WHERE to_status = 'stuck' AND at >= @from AND at < @to GROUP BY 1),
            reprints AS (
                SELECT (at AT TIME ZONE @zone)::date AS day, count(*) AS reprints
                FROM dashboard_label_reprints WHERE at >= @from AND at < @to GROUP BY 1)
            SELECT d.day::date AS day, coalesce(r.succeeded, 0) AS succeeded, coalesce(r.failed, 0) AS failed,
                   coalesce(r.first_pass_units, 0) AS first_pass_units, coalesce(r.first_pass_succeeded, 0) AS first_pass_succeeded,
                   coalesce(s.stuck, 0) AS stuck, coalesce(p.reprints, 0) AS reprints
            FROM generate_series(@first, @last, interval '1 day') AS d(day)
            LEFT JOIN reported r ON r.day = d.day::date
            LEFT JOIN stuck s ON s.day = d.day::date
            LEFT JOIN reprints p ON p.day = d.day::date
            ORDER BY 1
            """, [.. Range(range), new NpgsqlParameter("zone", range.Days.Zone.Id),
                new NpgsqlParameter("first", range.From.ToDateTime(TimeOnly.MinValue)), new NpgsqlParameter("last", range.To.ToDateTime(TimeOnly.MinValue))])
            .ToListAsync(ct);
        return rows.Select(r => new DailyMetrics(r.Day, (int)(r.Succeeded + r.Failed), (int)r.Succeeded, (int)r.Failed,
            Rate(r.Succeeded, r.Succeeded + r.Failed), (int)r.FirstPassUnits, (int)r.FirstPassSucceeded,
            Rate(r.FirstPassSucceeded, r.FirstPassUnits), (int)r.Stuck, (int)r.Reprints)).ToList();
    }

    public static async Task<DurationMetrics> DurationsAsync(FactoryDb db, MetricsRange range, int binSeconds, CancellationToken ct)
    {
        var seconds = await db.Database.SqlQueryRaw<double>($"""
            SELECT coalesce(build_duration_seconds, extract(epoch FROM reported_at - started_at))::float8 AS "Value"
            FROM build_attempts WHERE status IN ({Success}) AND reported_at >= @from AND reported_at < @to
            """, Range(range)).ToListAsync(ct);
        seconds.Sort();
        var bins = seconds.Count == 0 ? [] : Enumerable
            .Range((int)(seconds[0] / binSeconds), (int)(seconds[^1] / binSeconds) - (int)(seconds[0] / binSeconds) + 1)
            .Select(i => new HistogramBin(i * binSeconds, (i + 1) * binSeconds, seconds.Count(s => (int)(s / binSeconds) == i)))
            .ToList();
        return new DurationMetrics(seconds.Count, Percentile(seconds, 0.50), Percentile(seconds, 0.95), binSeconds, bins);
    }

    /// <summary>Most common failed tests, largest first, with the running share (a Pareto chart).</summary>
    public static async Task<List<FailureShare>> TestFailuresAsync(FactoryDb db, MetricsRange range, CancellationToken ct)
    {
        var rows = await db.Database.SqlQueryRaw<KeyCount>($"""
            SELECT coalesce(t.test, '(no test named)') AS key, count(*) AS count
            FROM build_attempts a
            LEFT JOIN LATERAL unnest(CASE WHEN cardinality(a.failed_tests) = 0 THEN ARRAY[NULL::text] ELSE a.failed_tests END) AS t(test) ON true
            WHERE a.status IN ({Failure}) AND a.reported_at >= @from AND a.reported_at < @to
            GROUP BY 1 ORDER BY 2 DESC, 1
            """, Range(range)).ToListAsync(ct);
        var total = rows.Sum(r => r.Count);
        long running = 0;
        return rows.Select(r =>
        {
            running += r.Count;
            return new FailureShare(r.Key, (int)r.Count, Math.Round((double)r.Count / total, 4), Math.Round((double)running / total, 4));
        }).ToList();
    }

    /// <summary>Failures by the WAN MAC's vendor prefix (OUI): a bad batch of boards shows as one prefix.</summary>
    public static Task<List<FailureGroup>> ByVendorAsync(FactoryDb db, MetricsRange range, CancellationToken ct) =>
        RatesAsync(db, range, "left(a.unit_mac, 8)", "", ct);

    /// <summary>Failures by the build port the unit was on (bad cables or ports); "unknown" when no port event matched.</summary>
    public static Task<List<FailureGroup>> ByPortAsync(FactoryDb db, MetricsRange range, CancellationToken ct) =>
        RatesAsync(db, range, "coalesce(p.port::text, 'unknown')", """
            JOIN units u ON u.mac = a.unit_mac
            LEFT JOIN LATERAL (
                SELECT pl.port FROM dashboard_port_links pl
                WHERE pl.role = 'Build' AND (pl.macs && u.macs OR u.mac = ANY (pl.macs))
                  AND pl.linked_at <= a.reported_at AND (pl.unlinked_at IS NULL OR pl.unlinked_at >= a.started_at)
                ORDER BY pl.linked_at DESC LIMIT 1) p ON true
            """, ct);

    private static async Task<List<FailureGroup>> RatesAsync(FactoryDb db, MetricsRange range, string key, string joins, CancellationToken ct)
    {
        // key and joins are this class's constants; the dates are parameters.
#pragma warning disable EF1002
        var rows = await db.Database.SqlQueryRaw<RateRow>($"""
            SELECT {key} AS key, count(*) AS attempts, count(*) FILTER (WHERE a.status IN ({Failure})) AS failures
            FROM build_attempts a {joins}
            WHERE a.status IN ({Success}, {Failure}) AND a.reported_at >= @from AND a.reported_at < @to
            GROUP BY 1 ORDER BY 3 DESC, 2 DESC, 1
            """, Range(range)).ToListAsync(ct);
#pragma warning restore EF1002
        return rows.Select(r => new FailureGroup(r.Key, (int)r.Attempts, (int)r.Failures, Rate(r.Failures, r.Attempts))).ToList();
    }

    private static object[] Range(MetricsRange range) => [new NpgsqlParameter("from", range.Start), new NpgsqlParameter("to", range.End)];

    private static double? Rate(long part, long whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);

    private static double? Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0) return null;
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return Math.Round(sorted[low] + (sorted[high] - sorted[low]) * (rank - low), 1);
    }

    private sealed record DailyRow(DateOnly Day, long Succeeded, long Failed, long FirstPassUnits, long FirstPassSucceeded, long Stuck, long Reprints);
    private sealed record KeyCount(string Key, long Count);
    private sealed record RateRow(string Key, long Attempts, long Failures);
}
