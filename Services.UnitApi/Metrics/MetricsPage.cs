using System.Globalization;
using System.Text;
using PrivateBox.Factory.Services.UnitApi.Dashboard;
using PrivateBox.Factory.Services.UnitApi.Data;
using static System.Net.WebUtility;

namespace PrivateBox.Factory.Services.UnitApi.Metrics;

/// <summary>GET /metrics: the quality metrics for people, charts drawn by the server as SVG, each table downloadable as CSV.</summary>
public static class MetricsPage
{
    public static IEndpointRouteBuilder MapMetricsPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", Render).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Render(HttpContext http, FactoryDb db, TimeProvider clock, FactoryDays days, string? from, string? to, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (!MetricsRange.TryParse(from, to, now, days, out var range, out var errors))
            return TypedResults.ValidationProblem(errors, title: "Invalid date range");
        var daily = await QualityMetrics.DailyAsync(db, range, ct);
        var durations = await QualityMetrics.DurationsAsync(db, range, 120, ct);
        var tests = await QualityMetrics.TestFailuresAsync(db, range, ct);
        var vendors = await QualityMetrics.ByVendorAsync(db, range, ct);
        var ports = await QualityMetrics.ByPortAsync(db, range, ct);
        var endOfDay = await EndOfDay.LoadAsync(db, clock, ct);
        var q = $"from={range.From:yyyy-MM-dd}&to={range.To:yyyy-MM-dd}";
        var today = days.Today(now);

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Quality metrics · PrivateBox Factory</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/dashboard/dashboard.css"></head>
            <body class="metrics"><header><h1>Quality metrics</h1><div class="counts">{range.From:yyyy-MM-dd} – {range.To:yyyy-MM-dd} ({HtmlEncode(days.Zone.Id)})</div>
            <div class="meta"><a href="/">Dashboard</a><span>{Link(7, today)} {Link(14, today)} {Link(30, today)} {Link(90, today)}</span></div></header><main class="report">
            """);

        html.Append(Section("Builds per day", $"/api/metrics/daily?{q}", SvgChart.Bars("Succeeded (green) and failed (red) builds",
            [.. daily.Select(d => new Bar(d.Day.ToString("MM-dd", CultureInfo.InvariantCulture), [(d.Succeeded, "ok"), (d.Failed, "bad")],
                $"{d.Day:yyyy-MM-dd}: {d.Succeeded} succeeded, {d.Failed} failed"))])
            + Table(["Day", "Reported", "Success rate", "First-pass yield", "Stuck", "Reprints"],
                daily.Select(d => new[] { d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{d.Reported}", Percent(d.SuccessRate),
                    Percent(d.FirstPassYield), $"{d.Stuck}", $"{d.Reprints}" }))));

        html.Append(Section($"Build duration: p50 {Minutes(durations.P50Seconds)}, p95 {Minutes(durations.P95Seconds)} ({durations.Count} builds)",
            $"/api/metrics/durations?{q}", SvgChart.Bars("Successful builds per 2-minute bin",
                [.. durations.Histogram.Select(b => new Bar($"{b.FromSeconds / 60}", [(b.Count, "ok")], $"{b.FromSeconds / 60}-{b.ToSeconds / 60} min: {b.Count}"))])));

        html.Append(Section("Most common test failures (Pareto)", $"/api/metrics/test-failures?{q}", SvgChart.Bars("Failures per test, line: cumulative share",
            [.. tests.Select(t => new Bar(t.Key, [(t.Failures, "bad")], $"{t.Key}: {t.Failures} ({Percent(t.CumulativeShare)} cumulative)"))],
            line: [.. tests.Select(t => t.CumulativeShare * tests.Sum(x => x.Failures) / Math.Max(1, tests.Max(x => x.Failures)))])
            + Table(["Test", "Failures", "Share", "Cumulative"], tests.Select(t => new[] { t.Key, $"{t.Failures}", Percent(t.Share), Percent(t.CumulativeShare) }))));

        html.Append(Section("Failures by MAC vendor prefix", $"/api/metrics/vendors?{q}", Rates("Prefix", vendors)));
        html.Append(Section("Failures by build port", $"/api/metrics/ports?{q}", Rates("Port", ports)));
        html.Append(Section("End of day", "/api/metrics/end-of-day",
            Table(["Item", "MAC", "Status", "Stage / failed tests", "Since"],
                endOfDay.Stuck.Select(u => Row("stuck", u, days)).Concat(endOfDay.FailedAwaitingDebug.Select(u => Row("failed, awaiting debug", u, days)))
                    .Concat(endOfDay.ReadyNotLabeled.Select(u => Row("ready, not labeled", u, days))))));
        html.Append("</main></body></html>");
        return DashboardPage.Page(http, html.ToString());
    }

    private static string[] Row(string item, ChecklistUnit u, FactoryDays days) =>
        [item, u.Mac, u.Status, u.FailedTests.Length > 0 ? string.Join(", ", u.FailedTests) : u.Stage ?? "",
            days.Local(u.Since).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)];

    private static string Rates(string key, List<FailureGroup> rows) =>
        Table([key, "Attempts", "Failures", "Failure rate"], rows.Select(r => new[] { r.Key, $"{r.Attempts}", $"{r.Failures}", Percent(r.FailureRate) }));

    private static string Section(string title, string csv, string body) =>
        $"""<section><h2>{HtmlEncode(title)} <a class="csv" href="{HtmlEncode(csv)}{(csv.Contains('?') ? "&" : "?")}format=csv">CSV</a></h2>{body}</section>""";

    private static string Table(string[] header, IEnumerable<string[]> rows)
    {
        var html = new StringBuilder("<table><thead><tr>");
        foreach (var h in header) html.Append("<th>").Append(HtmlEncode(h)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        var any = false;
        foreach (var row in rows)
        {
            any = true;
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td>").Append(HtmlEncode(cell)).Append("</td>");
            html.Append("</tr>");
        }
        if (!any) html.Append(CultureInfo.InvariantCulture, $"""<tr><td colspan="{header.Length}">none</td></tr>""");
        return html.Append("</tbody></table>").ToString();
    }

    private static string Link(int days, DateOnly today) =>
        $"""<a href="/metrics?from={today.AddDays(1 - days):yyyy-MM-dd}&amp;to={today:yyyy-MM-dd}">{days} days</a>""";

    private static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %" : "–";
    private static string Minutes(double? seconds) => seconds is { } s ? (s / 60).ToString("0.#", CultureInfo.InvariantCulture) + " min" : "–";
}
