using System.Net;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>The server never decides anything on a unit's clock: a wrong one is stored, flagged and accepted.</summary>
public class UnitClockTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    [Fact]
    public async Task A_heartbeat_from_a_unit_whose_clock_says_1970_is_accepted_and_flagged()
    {
        var mac = TestUnits.NewMac();

        var response = await api.Unit().PostJson("/api/heartbeat",
            new { mac_wan = mac, status = "building", stage = "Phase 1", timestamp = "1970-01-01T00:00:00Z" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var unit = await (await api.Client().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("building", unit.GetProperty("status").GetString());
        Assert.True(unit.GetProperty("unit_clock_suspect").GetBoolean());
    }

    [Fact]
    public async Task A_ready_report_dated_in_the_future_is_accepted_flagged_and_timed_by_the_server()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));
        api.Clock.Advance(TimeSpan.FromMinutes(17));
        var ready = TestUnits.Ready(mac);
        ready["build_time"] = "2199-01-01T00:00:00Z";
        ready.Remove("build_duration_seconds");

        var response = await api.Unit().PostJson("/api/units", ready);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var unit = await (await api.Label().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("ready", unit.GetProperty("status").GetString());
        Assert.True(unit.GetProperty("unit_clock_suspect").GetBoolean());
        Assert.StartsWith("2199-01-01", unit.GetProperty("build_time").GetString());
        Assert.Equal(17 * 60, unit.GetProperty("build_duration_seconds").GetInt32());
        Assert.Equal("correct-horse-battery-staple", unit.GetProperty("admin_password").GetString());
    }

    [Fact]
    public async Task A_unit_with_a_right_clock_is_not_flagged()
    {
        var mac = TestUnits.NewMac();

        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac));

        Assert.False((await (await api.Client().GetAsync($"/api/units/{mac}")).Json()).GetProperty("unit_clock_suspect").GetBoolean());
    }
}
