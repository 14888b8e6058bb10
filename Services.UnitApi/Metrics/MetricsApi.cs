using Microsoft.AspNetCore.Http.HttpResults;
using PrivateBox.Factory.Services.UnitApi.Data;
using PrivateBox.Factory.Services.UnitApi.Infrastructure;

namespace PrivateBox.Factory.Services.UnitApi.Metrics;

/// <summary>
/// GET /api/metrics/*: quality metrics as JSON, or CSV with ?format=csv (or Accept: text/csv). Read-only,
/// aggregate, secret-free factory-LAN data, so like the status of /api/units they need no key.
/// </summary>
public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        var metrics = app.MapGroup("/api/metrics");
        metrics.MapGet("/daily", (HttpContext http, FactoryDb db, TimeProvider clock, FactoryDays days, string? from, string? to, CancellationToken ct) =>
            Ranged(http, clock, days, from, to, "daily", async range =>
            {
                var daily = await QualityMetrics.DailyAsync(db, range, ct);
                return (daily, () => Csv.Write(
                    ["day", "reported", "succeeded", "failed", "success_rate", "first_pass_units", "first_pass_succeeded", "first_pass_yield", "stuck", "reprints"],
                    daily.Select(d => new object?[] { d.Day, d.Reported, d.Succeeded, d.Failed, d.SuccessRate, d.FirstPassUnits, d.FirstPassSucceeded, d.FirstPassYield, d.Stuck, d.Reprints })));
            }));
        metrics.MapGet("/durations", (HttpContext http, FactoryDb db, TimeProvider clock, FactoryDays days, string? from, string? to, int? bin, CancellationToken ct) =>
            bin is < 10 or > 86_400
                ? Task.FromResult<IResult>(TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["bin"] = ["Seconds per histogram bin, 10-86400."] }))
                : Ranged(http, clock, days, from, to, "durations", async range =>
                {
                    var d = await QualityMetrics.DurationsAsync(db, range, bin ?? 120, ct);
                    return (d, () => Csv.Write(["from_seconds", "to_seconds", "count", "p50_seconds", "p95_seconds"],
                        d.Histogram.Select(b => new object?[] { b.FromSeconds, b.ToSeconds, b.Count, d.P50Seconds, d.P95Seconds })));
                }));
        metrics.MapGet("/test-failures", (HttpContext http, FactoryDb db, TimeProvider clock, FactoryDays days, string? from, string? to, CancellationToken ct) =>
            Ranged(http, clock, days, from, to, "test-failures", async range =>
            {
                var rows = await QualityMetrics.TestFailuresAsync(db, range, ct);
                return (rows, () => Csv.Write(["test", "failures", "share", "cumulative_share"],
                    rows.Select(r => new object?[] { r.Key, r.Failures, r.Share, r.CumulativeShare })));
            }));
        metrics.MapGet("/vendors", (HttpContext http, FactoryDb db, TimeProvider clock, FactoryDays days, string? from, string? to, CancellationToken ct) =>
            Ranged(http, clock, days, from, to, "vendors", async range => Rates(await QualityMetrics.ByVendorAsync(db, range, ct), "mac_prefix")));
        metrics.MapGet("/ports", (HttpContext http, FactoryDb db, TimeProvider clock, FactoryDays days, string? from, string? to, CancellationToken ct) =>
            Ranged(http, clock, days, from, to, "ports", async range => Rates(await QualityMetrics.ByPortAsync(db, range, ct), "port")));
        metrics.MapGet("/end-of-day", async (HttpContext http, FactoryDb db, TimeProvider clock, FactoryDays days, CancellationToken ct) =>
        {
            var report = await EndOfDay.LoadAsync(db, clock, ct);
            return WantsCsv(http)
                ? CsvFile(EndOfDay.ToCsv(report), $"end-of-day-{days.Today(clock.GetUtcNow()):yyyy-MM-dd}.csv")
                : TypedResults.Ok(report);
        });
        return app;
    }

    private static (object, Func<string>) Rates(List<FailureGroup> rows, string keyName) =>
        (rows, () => Csv.Write([keyName, "attempts", "failures", "failure_rate"], rows.Select(r => new object?[] { r.Key, r.Attempts, r.Failures, r.FailureRate })));

    private static async Task<IResult> Ranged(HttpContext http, TimeProvider clock, FactoryDays days, string? from, string? to, string name,
        Func<MetricsRange, Task<(object Json, Func<string> Csv)>> load)
    {
        if (!MetricsRange.TryParse(from, to, clock.GetUtcNow(), days, out var range, out var errors))
            return TypedResults.ValidationProblem(errors, title: "Invalid date range");
        var (json, csv) = await load(range);
        return WantsCsv(http) ? CsvFile(csv(), $"{name}-{range}.csv") : TypedResults.Ok(json);
    }

    public static bool WantsCsv(HttpContext http) =>
        string.Equals(http.Request.Query["format"], "csv", StringComparison.OrdinalIgnoreCase)
        || http.Request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true);

    private static IResult CsvFile(string text, string fileName) =>
        TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text), "text/csv; charset=utf-8", fileName);
}
