using System.Text.Json;

namespace PrivateBox.Factory.Dashboard.Tests;

/// <summary>The two fixtures consume the same event types from one broker, so they take turns.</summary>
[CollectionDefinition("broker")]
public class BrokerCollection;

[Collection("broker")]
public class MetricsTests(MetricsDataSet data) : IClassFixture<MetricsDataSet>
{
    private const string Range = "from=2025-03-03&to=2025-03-05";

    [Fact]
    public async Task Daily_metrics_count_each_day_including_an_empty_day_and_a_day_with_only_failures()
    {
        var days = (await data.GetJsonAsync($"/api/metrics/daily?{Range}")).EnumerateArray().ToList();

        Assert.Equal(["2025-03-03", "2025-03-04", "2025-03-05"], days.Select(d => d.GetProperty("day").GetString()));
        AssertDay(days[0], reported: 3, succeeded: 2, failed: 1, rate: 0.6667, firstPass: 3, firstPassOk: 2, yield: 0.6667, stuck: 0, reprints: 1);
        AssertDay(days[1], reported: 0, succeeded: 0, failed: 0, rate: null, firstPass: 0, firstPassOk: 0, yield: null, stuck: 0, reprints: 0);
        AssertDay(days[2], reported: 2, succeeded: 0, failed: 2, rate: 0, firstPass: 1, firstPassOk: 0, yield: 0, stuck: 1, reprints: 0);
    }

    [Fact]
    public async Task Days_run_midnight_to_midnight_in_the_factory_time_zone()
    {
        // Honolulu is UTC-10 all year: the 08:0x UTC reports fall on the evening before, and the unit that went
        // stuck at 10:06 UTC on the 5th did so just after local midnight.
        using var honolulu = data.WithWebHostBuilder(b => b.UseSetting("UnitApi:TimeZone", "Pacific/Honolulu"));
        using var client = honolulu.CreateClient();
        var days = JsonDocument.Parse(await client.GetStringAsync("/api/metrics/daily?from=2025-03-02&to=2025-03-05")).RootElement
            .EnumerateArray().ToList();

        Assert.Equal(["2025-03-02", "2025-03-03", "2025-03-04", "2025-03-05"], days.Select(d => d.GetProperty("day").GetString()));
        AssertDay(days[0], reported: 3, succeeded: 2, failed: 1, rate: 0.6667, firstPass: 3, firstPassOk: 2, yield: 0.6667, stuck: 0, reprints: 1);
        AssertDay(days[1], reported: 0, succeeded: 0, failed: 0, rate: null, firstPass: 0, firstPassOk: 0, yield: null, stuck: 0, reprints: 0);
        AssertDay(days[2], reported: 2, succeeded: 0, failed: 2, rate: 0, firstPass: 1, firstPassOk: 0, yield: 0, stuck: 0, reprints: 0);
        AssertDay(days[3], reported: 0, succeeded: 0, failed: 0, rate: null, firstPass: 0, firstPassOk: 0, yield: null, stuck: 1, reprints: 0);
        Assert.Contains("2025-03-02 – 2025-03-05 (Pacific/Honolulu)", await client.GetStringAsync("/metrics?from=2025-03-02&to=2025-03-05"));
    }

    [Fact]
    public async Task Daily_metrics_as_csv_have_one_row_per_day()
    {
        var response = await data.Client().GetAsync($"/api/metrics/daily?{Range}&format=csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            "day,reported,succeeded,failed,success_rate,first_pass_units,first_pass_succeeded,first_pass_yield,stuck,reprints\r\n" +
            "2025-03-03,3,2,1,0.6667,3,2,0.6667,0,1\r\n" +
            "2025-03-04,0,0,0,,0,0,,0,0\r\n" +
            "2025-03-05,2,0,2,0,1,0,0,1,0\r\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Build_durations_give_percentiles_and_a_histogram_of_successful_builds()
    {
        var d = await data.GetJsonAsync($"/api/metrics/durations?{Range}&bin=120");

        Assert.Equal(2, d.GetProperty("count").GetInt32());
        Assert.Equal(1050, d.GetProperty("p50_seconds").GetDouble());
        Assert.Equal(1185, d.GetProperty("p95_seconds").GetDouble());
        Assert.Equal([(840, 1), (960, 0), (1080, 0), (1200, 1)],
            d.GetProperty("histogram").EnumerateArray().Select(b => (b.GetProperty("from_seconds").GetInt32(), b.GetProperty("count").GetInt32())));
    }

    [Fact]
    public async Task Durations_of_a_day_with_only_failures_are_empty_not_zero()
    {
        var d = await data.GetJsonAsync("/api/metrics/durations?from=2025-03-05&to=2025-03-05");

        Assert.Equal(0, d.GetProperty("count").GetInt32());
        Assert.Null(Nullable(d, "p50_seconds"));
        Assert.Empty(d.GetProperty("histogram").EnumerateArray());
    }

    [Fact]
    public async Task Test_failures_are_a_pareto_largest_first_with_cumulative_share()
    {
        var rows = (await data.GetJsonAsync($"/api/metrics/test-failures?{Range}")).EnumerateArray()
            .Select(r => (r.GetProperty("key").GetString(), r.GetProperty("failures").GetInt32(), r.GetProperty("cumulative_share").GetDouble()));

        Assert.Equal([("adguard", 3, 0.75), ("portainer", 1, 1.0)], rows);
    }

    [Fact]
    public async Task Failures_group_by_mac_vendor_prefix()
    {
        var csv = await (await data.Client().GetAsync($"/api/metrics/vendors?{Range}&format=csv")).Content.ReadAsStringAsync();

        Assert.Equal("mac_prefix,attempts,failures,failure_rate\r\nbb:00:02,3,3,1\r\naa:00:01,2,0,0\r\n", csv);
    }

    [Fact]
    public async Task Failures_group_by_the_build_port_the_unit_was_on()
    {
        var rows = (await data.GetJsonAsync($"/api/metrics/ports?{Range}")).EnumerateArray()
            .Select(r => (r.GetProperty("key").GetString(), r.GetProperty("attempts").GetInt32(), r.GetProperty("failures").GetInt32()));

        Assert.Equal([("3", 2, 2), ("unknown", 1, 1), ("1", 1, 0), ("2", 1, 0)], rows);
    }

    [Fact]
    public async Task An_empty_range_has_zero_rows_and_csv_headers_only()
    {
        var empty = "from=2025-03-04&to=2025-03-04";
        Assert.Empty((await data.GetJsonAsync($"/api/metrics/test-failures?{empty}")).EnumerateArray());
        Assert.Equal("test,failures,share,cumulative_share\r\n",
            await (await data.Client().GetAsync($"/api/metrics/test-failures?{empty}&format=csv")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task End_of_day_lists_stuck_failed_without_debug_bundle_and_ready_not_labeled()
    {
        var report = await data.GetJsonAsync("/api/metrics/end-of-day");

        Assert.Equal([data.U5], Macs(report, "stuck"));
        Assert.Equal([data.U3], Macs(report, "failed_awaiting_debug"));
        Assert.Equal([data.U2], Macs(report, "ready_not_labeled"));
        Assert.DoesNotContain("password", report.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task End_of_day_exports_as_csv()
    {
        var lines = (await (await data.Client().SendAsync(Accept("/api/metrics/end-of-day", "text/csv"))).Content.ReadAsStringAsync())
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("item,mac,status,serial,stage,since,last_heartbeat_at,failed_tests", lines[0]);
        Assert.Equal(["stuck", "failed_awaiting_debug", "ready_not_labeled"], lines[1..].Select(l => l.Split(',')[0]));
        Assert.Contains($"failed_awaiting_debug,{data.U3},failed,,Phase 1,2025-03-05T08:01:00Z,", lines[2]);
        Assert.EndsWith("adguard portainer", lines[2]);
    }

    [Fact]
    public async Task The_metrics_page_draws_server_side_svg_charts_under_the_strict_policy()
    {
        var response = await data.Client().GetAsync($"/metrics?{Range}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("Build duration: p50 17.5 min, p95 19.8 min (2 builds)", html);
        Assert.Equal(3 * 2 + 4 + 2, html.Split("<rect ").Length - 1); // two stacked segments per day, histogram bins, Pareto bars
        Assert.Contains($"<td>{data.U3}</td>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http", html.Replace("http-equiv", ""));
    }

    [Theory]
    [InlineData("from=2025-13-01")]
    [InlineData("from=2025-03-05&to=2025-03-01")]
    [InlineData("from=2020-01-01&to=2025-01-01")]
    public async Task A_bad_range_is_a_problem_naming_the_field(string query)
    {
        var response = await data.Client().GetAsync($"/api/metrics/daily?{query}");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("from", await response.Content.ReadAsStringAsync());
    }

    private static void AssertDay(JsonElement day, int reported, int succeeded, int failed, double? rate, int firstPass, int firstPassOk,
        double? yield, int stuck, int reprints)
    {
        Assert.Equal((reported, succeeded, failed, firstPass, firstPassOk, stuck, reprints), (
            day.GetProperty("reported").GetInt32(), day.GetProperty("succeeded").GetInt32(), day.GetProperty("failed").GetInt32(),
            day.GetProperty("first_pass_units").GetInt32(), day.GetProperty("first_pass_succeeded").GetInt32(),
            day.GetProperty("stuck").GetInt32(), day.GetProperty("reprints").GetInt32()));
        Assert.Equal(rate, Nullable(day, "success_rate"));
        Assert.Equal(yield, Nullable(day, "first_pass_yield"));
    }

    // The API leaves null members out.
    private static double? Nullable(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetDouble() : null;

    private static string[] Macs(JsonElement report, string list) =>
        [.. report.GetProperty(list).EnumerateArray().Select(u => u.GetProperty("mac").GetString()!)];

    private static HttpRequestMessage Accept(string url, string type) => new(HttpMethod.Get, url) { Headers = { { "Accept", type } } };
}
