using System.Diagnostics;
using System.Net;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>The Unit API on a PostgreSQL of its own, which the tests freeze and stop.</summary>
public sealed class OutageFactory : UnitApiFactory
{
    public PrivatePostgres Postgres { get; private set; } = null!;

    protected override async Task<string> CreateDatabaseAsync()
    {
        Postgres = await PrivatePostgres.StartAsync();
        return Postgres.ConnectionString;
    }

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("UnitApi:DatabaseDeadline", "00:00:04"); // the default, which this test is about
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

/// <summary>A unit must tell "server busy" from "server gone": a hung or stopped database answers 503 with Retry-After, fast.</summary>
public class DatabaseOutageTests(OutageFactory api) : IClassFixture<OutageFactory>
{
    [Fact]
    public async Task A_hung_then_stopped_database_gives_units_503_with_retry_after_within_seconds_and_nothing_is_lost()
    {
        var building = TestUnits.NewMac();
        Assert.Equal(HttpStatusCode.OK, (await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(building))).StatusCode);

        await api.Postgres.SignalAllAsync("STOP");
        var hung = await TimedAsync(() => api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(building)));
        var hungNew = await TimedAsync(() => api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(TestUnits.NewMac())));
        var hungReport = await TimedAsync(() => api.Unit().PostJson("/api/units", TestUnits.Ready(building)));
        await api.Postgres.SignalAllAsync("CONT");

        await api.Postgres.StopServerAsync();
        var down = await TimedAsync(() => api.Unit().PostJson("/api/units", TestUnits.Ready(building)));
        await api.Postgres.StartServerAsync();

        foreach (var (response, elapsed) in new[] { hung, hungNew, hungReport, down })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(elapsed < TimeSpan.FromSeconds(7), $"answered after {elapsed}: {string.Join(", ", new[] { hung, hungNew, hungReport, down }.Select(r => $"{(int)r.Item1.StatusCode} in {r.Item2.TotalSeconds:0.0} s"))}");
        }
        // Back: the report the unit kept is stored once.
        HttpResponseMessage report = null!;
        for (var i = 0; i < 50 && (report = await api.Unit().PostJson("/api/units", TestUnits.Ready(building))).StatusCode != HttpStatusCode.OK; i++)
            await Task.Delay(200);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal(1, (await report.Json()).GetProperty("attempt").GetInt32());
    }

    private static async Task<(HttpResponseMessage, TimeSpan)> TimedAsync(Func<Task<HttpResponseMessage>> call)
    {
        var watch = Stopwatch.StartNew();
        var response = await call();
        return (response, watch.Elapsed);
    }
}
