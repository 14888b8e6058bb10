using System.Net;
using Npgsql;

namespace PrivateBox.Factory.UnitApi.Tests;

public class ReportTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    [Fact]
    public async Task Ready_report_after_heartbeats_finishes_the_attempt()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));
        var report = TestUnits.Ready(mac);

        var response = await api.Unit().PostJson("/api/units", report);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var unit = await (await api.Client().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("ready", unit.GetProperty("status").GetString());
        Assert.Equal(report["serial"], unit.GetProperty("serial").GetString());
        Assert.Equal(1042, unit.GetProperty("build_duration_seconds").GetInt32());
        Assert.Equal("pass", unit.GetProperty("test_results").GetProperty("adguard").GetString());
        Assert.Equal(1, unit.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Same_report_sent_twice_answers_the_same_and_stores_once()
    {
        var mac = TestUnits.NewMac();
        var report = TestUnits.Ready(mac);

        var first = await api.Unit().PostJson("/api/units", report);
        var second = await api.Unit().PostJson("/api/units", report);

        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1L, await Scalar("SELECT count(*) FROM build_attempts WHERE unit_mac = @m", mac));
        Assert.Equal(1L, await Scalar("SELECT count(*) FROM attempt_events e JOIN build_attempts a ON a.id = e.attempt_id WHERE a.unit_mac = @m", mac));
        Assert.Equal(1L, await Scalar("SELECT count(*) FROM outbox_messages WHERE payload->>'Mac' = @m", mac));
    }

    [Fact]
    public async Task Failed_report_without_serial_or_passwords_is_stored_with_its_failed_tests()
    {
        var mac = TestUnits.NewMac();

        var response = await api.Unit().PostJson("/api/units", TestUnits.Failed(mac, "adguard", "homer"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var unit = await (await api.Client().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("failed", unit.GetProperty("status").GetString());
        Assert.Equal(["adguard", "homer"], unit.GetProperty("failed_tests").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.False(unit.GetProperty("has_credentials").GetBoolean());
    }

    [Fact]
    public async Task Failed_tests_are_derived_from_test_results_when_not_listed()
    {
        var mac = TestUnits.NewMac();
        var report = TestUnits.Failed(mac);
        report.Remove("failed_tests");
        report["test_results"] = new Dictionary<string, string> { ["dns"] = "fail", ["homer"] = "pass" };

        await api.Unit().PostJson("/api/units", report);

        var unit = await (await api.Client().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal(["dns"], unit.GetProperty("failed_tests").EnumerateArray().Select(t => t.GetString()!).ToArray());
    }

    [Fact]
    public async Task Passwords_object_is_accepted_in_place_of_separate_fields()
    {
        var mac = TestUnits.NewMac();
        var report = TestUnits.Ready(mac);
        report.Remove("admin_password");
        report.Remove("services_password");
        report["passwords"] = new { admin = "alpha-bravo-charlie", services = "delta-echo-foxtrot-golf" };

        await api.Unit().PostJson("/api/units", report);

        var unit = await (await api.Label().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("alpha-bravo-charlie", unit.GetProperty("admin_password").GetString());
        Assert.Equal("delta-echo-foxtrot-golf", unit.GetProperty("services_password").GetString());
    }

    [Theory]
    [InlineData("burn_in_complete")]
    [InlineData("burn_in_failed")]
    public async Task Burn_in_results_are_accepted_for_a_ready_unit(string status)
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac));

        var response = await api.Unit().PostJson("/api/units", new { mac_wan = mac, status, test_results = new Dictionary<string, string> { ["burn_in_cpu"] = status == "burn_in_failed" ? "fail" : "pass" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var unit = await (await api.Client().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal(status, unit.GetProperty("status").GetString());
        Assert.Equal("pass", unit.GetProperty("test_results").GetProperty("portainer").GetString());
    }

    [Fact]
    public async Task Burn_in_result_for_a_building_unit_is_a_conflict()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));

        var response = await api.Unit().PostJson("/api/units", new { mac_wan = mac, status = "burn_in_complete" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("building", (await (await api.Client().GetAsync($"/api/units/{mac}")).Json()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task List_filters_by_status_and_rejects_unknown_status()
    {
        var ready = TestUnits.NewMac();
        var failed = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(ready));
        await api.Unit().PostJson("/api/units", TestUnits.Failed(failed, "dns"));

        var list = await (await api.Client().GetAsync("/api/units?status=failed")).Json();
        var unknown = await api.Client().GetAsync("/api/units?status=exploded");

        var macs = list.EnumerateArray().Select(u => u.GetProperty("mac").GetString()).ToList();
        Assert.Contains(failed, macs);
        Assert.DoesNotContain(ready, macs);
        Assert.All(list.EnumerateArray(), u => Assert.False(u.TryGetProperty("admin_password", out _)));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    private async Task<long> Scalar(string sql, string mac)
    {
        await using var db = new NpgsqlConnection(api.ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("m", mac);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
