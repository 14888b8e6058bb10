using System.Net;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>Moves the fixture's clock, so it has a fixture of its own.</summary>
public class AttemptTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    [Fact]
    public async Task Heartbeat_just_after_a_final_report_does_not_undo_it()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac));
        api.Clock.Advance(TimeSpan.FromSeconds(30));

        var response = await (await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac))).Json();

        Assert.Equal("ready", response.GetProperty("status").GetString());
        Assert.Equal("ready", (await (await api.Client().GetAsync($"/api/units/{mac}")).Json()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Heartbeats_after_a_final_report_and_the_grace_begin_a_new_attempt_and_keep_the_old()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Failed(mac, "adguard"));
        api.Clock.Advance(TimeSpan.FromMinutes(10));

        var response = await (await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac))).Json();

        Assert.True(response.GetProperty("new_attempt").GetBoolean());
        var attempts = await (await api.Client().GetAsync($"/api/units/{mac}/attempts")).Json();
        Assert.Equal(["failed", "building"], attempts.EnumerateArray().Select(a => a.GetProperty("status").GetString()!).ToArray());
        Assert.Equal(["adguard"], attempts[0].GetProperty("failed_tests").EnumerateArray().Select(t => t.GetString()!).ToArray());
    }

    [Fact]
    public async Task Heartbeat_after_labeling_begins_a_new_attempt()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac));
        Assert.Equal(HttpStatusCode.OK, (await api.Label().DeleteAsync($"/api/units/{mac}")).StatusCode);

        var response = await (await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac))).Json();

        Assert.Equal(2, (await (await api.Client().GetAsync($"/api/units/{mac}")).Json()).GetProperty("attempt").GetInt32());
        Assert.True(response.GetProperty("new_attempt").GetBoolean());
        var attempts = await (await api.Client().GetAsync($"/api/units/{mac}/attempts")).Json();
        Assert.Equal("labeled", attempts[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Report_long_after_a_previous_one_without_heartbeats_is_a_new_attempt()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Failed(mac, "dns"));
        api.Clock.Advance(TimeSpan.FromHours(2));

        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac));

        var attempts = await (await api.Client().GetAsync($"/api/units/{mac}/attempts")).Json();
        Assert.Equal(["failed", "ready"], attempts.EnumerateArray().Select(a => a.GetProperty("status").GetString()!).ToArray());
    }
}
