using System.Net;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>Counts failure patterns over the whole database, so it has a fixture (and database) of its own; each test looks from its own start.</summary>
public class FailureMetricsTests(FailureMetricsTests.Api api) : IClassFixture<FailureMetricsTests.Api>
{
    public sealed class Api : UnitApiFactory;

    [Fact]
    public async Task Failed_builds_come_newest_first_with_their_tests_and_patterns_ignore_order_and_repeats()
    {
        api.Clock.Advance(TimeSpan.FromDays(1));
        var since = api.Clock.GetUtcNow();
        var first = TestUnits.NewMac();
        var second = TestUnits.NewMac();
        var third = TestUnits.NewMac();
        var ready = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Failed(first, "dns", "adguard"));
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        await api.Unit().PostJson("/api/units", TestUnits.Ready(ready));
        await api.Unit().PostJson("/api/units", TestUnits.Failed(second, "homer"));
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        await api.Unit().PostJson("/api/units", TestUnits.Failed(third, "adguard", "dns", "adguard"));

        var metrics = await (await api.Client().GetAsync($"/api/metrics/failures?since={Uri.EscapeDataString(since.ToString("O"))}")).Json();

        var failures = metrics.GetProperty("failures").EnumerateArray().ToList();
        Assert.Equal([third, second, first], failures.Select(f => f.GetProperty("mac").GetString()));
        Assert.Equal(["homer"], failures[1].GetProperty("failed_tests").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("failed", failures[0].GetProperty("status").GetString());
        Assert.False(failures[0].TryGetProperty("diagnostic_data", out _));
        var patterns = metrics.GetProperty("patterns").EnumerateArray().ToList();
        Assert.Equal(2, patterns.Count);
        Assert.Equal(["adguard", "dns"], patterns[0].GetProperty("failed_tests").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, patterns[0].GetProperty("count").GetInt64());
        Assert.Equal(["homer"], patterns[1].GetProperty("failed_tests").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(1, patterns[1].GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Limit_and_since_narrow_the_answer_and_a_bad_limit_is_a_problem()
    {
        var old = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Failed(old, "portainer"));
        api.Clock.Advance(TimeSpan.FromHours(2));
        var since = api.Clock.GetUtcNow().AddMinutes(-1);
        var recent = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Failed(recent, "semaphore"));

        var narrowed = await (await api.Client().GetAsync($"/api/metrics/failures?since={Uri.EscapeDataString(since.ToString("O"))}")).Json();
        var limited = await (await api.Client().GetAsync("/api/metrics/failures?limit=1")).Json();
        var bad = await api.Client().GetAsync("/api/metrics/failures?limit=0");

        Assert.Equal([recent], narrowed.GetProperty("failures").EnumerateArray().Select(f => f.GetProperty("mac").GetString()));
        Assert.DoesNotContain(narrowed.GetProperty("patterns").EnumerateArray(),
            p => p.GetProperty("failed_tests").EnumerateArray().Any(t => t.GetString() == "portainer"));
        Assert.Equal([recent], limited.GetProperty("failures").EnumerateArray().Select(f => f.GetProperty("mac").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Lists_leave_long_error_logs_to_the_single_unit()
    {
        var mac = TestUnits.NewMac();
        var failed = TestUnits.Failed(mac, "adguard");
        failed["error_log"] = new string('x', 100_000);
        await api.Unit().PostJson("/api/units", failed);

        var list = await (await api.Client().GetAsync("/api/units?status=failed&limit=5000")).Json();
        var failures = await (await api.Client().GetAsync("/api/metrics/failures?limit=1000")).Json();
        var single = await (await api.Client().GetAsync($"/api/units/{mac}")).Json();

        var listed = list.EnumerateArray().Single(u => u.GetProperty("mac").GetString() == mac);
        Assert.False(listed.TryGetProperty("error_log", out _));
        var failure = failures.GetProperty("failures").EnumerateArray().First(f => f.GetProperty("mac").GetString() == mac);
        Assert.Equal(2000, failure.GetProperty("error_log").GetString()!.Length);
        Assert.Equal(100_000, single.GetProperty("error_log").GetString()!.Length);
    }
}
