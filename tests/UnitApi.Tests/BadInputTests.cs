using System.Net;
using System.Text;
using Npgsql;

namespace PrivateBox.Factory.UnitApi.Tests;

public class BadInputTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "/api/heartbeat", "{\"mac_wan\": \"02:00:00:00:00:01\", \"stage\": ", "stage" },
        { "/api/heartbeat", "not json at all", "body" },
        { "/api/heartbeat", "{\"mac_wan\": \"not-a-mac\", \"status\": \"building\"}", "mac_wan" },
        { "/api/heartbeat", "{\"mac_wan\": \"02:00:00:00:00:01:ff\"}", "mac_wan" },
        { "/api/heartbeat", "{\"stage\": \"Phase 1\"}", "mac_wan" },
        { "/api/heartbeat", "{\"mac_wan\": \"02:00:00:00:00:01\", \"status\": \"exploded\"}", "status" },
        { "/api/heartbeat", "{\"mac_wan\": \"02:00:00:00:00:01\", \"timestamp\": {\"at\": 1}}", "timestamp" },
        { "/api/heartbeat", "{\"mac_wan\": \"02:00:00:00:00:01\", \"timestamp\": \"yesterday\"}", "timestamp" },
        { "/api/heartbeat", "{\"mac_wan\": \"02:00:00:00:00:01\", \"macs\": [\"zz\"]}", "macs[0]" },
        { "/api/heartbeat", "{\"mac_wan\": \"02:00:00:00:00:01\", \"proxmox_ip\": \"999.1.1.1\"}", "proxmox_ip" },
        { "/api/heartbeat", "[1, 2, 3]", "body" },
        { "/api/units", "{\"mac_wan\": \"02:00:00:00:00:01\", \"status\": \"exploded\"}", "status" },
        { "/api/units", "{\"mac_wan\": \"02:00:00:00:00:01\", \"status\": \"ready\", \"admin_password\": \"a-b-c-d-e-f\", \"services_password\": \"g-h-i-j-k-l\"}", "serial" },
        { "/api/units", "{\"mac_wan\": \"02:00:00:00:00:01\", \"status\": \"ready\", \"serial\": \"not-a-uuid\"}", "serial" },
        { "/api/units", "{\"mac_wan\": \"02:00:00:00:00:01\", \"status\": \"failed\", \"test_results\": {\"dns\": \"maybe\"}}", "test_results.dns" },
        { "/api/units", "{\"mac_wan\": \"02:00:00:00:00:01\", \"status\": \"failed\", \"build_duration_seconds\": -5}", "build_duration_seconds" },
        { "/api/units", "{\"mac_wan\": \"02:00:00:00:00:01\", \"status\": \"failed\", \"build_time\": true}", "build_time" },
        { "/api/units", "{\"mac_wan\": \"02:00:00:00:00:01\", \"status\": \"failed\", \"failed_tests\": \"dns\"}", "failed_tests" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_body_is_a_problem_naming_the_field_and_stores_nothing(string url, string body, string field)
    {
        var before = await UnitCount();

        var response = await api.Unit().PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Json();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await UnitCount());
    }

    [Fact]
    public async Task Body_over_one_mebibyte_is_413_and_stores_nothing()
    {
        var mac = TestUnits.NewMac();
        var report = TestUnits.Failed(mac, "dns");
        report["diagnostic_data"] = new string('x', 1_100_000);

        var response = await api.Unit().PostJson("/api/units", report);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client().GetAsync($"/api/units/{mac}")).StatusCode);
    }

    [Fact]
    public async Task Large_diagnostics_under_the_limit_are_stored()
    {
        var mac = TestUnits.NewMac();
        var report = TestUnits.Failed(mac, "dns");
        report["diagnostic_data"] = new { journal = new string('j', 700_000) };

        var response = await api.Unit().PostJson("/api/units", report);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Bad_report_leaves_the_stored_report_intact()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac));

        var bad = await api.Unit().PostAsync("/api/units", new StringContent($"{{\"mac_wan\": \"{mac}\", \"status\": \"ready\", \"serial\": 7}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var unit = await (await api.Label().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("ready", unit.GetProperty("status").GetString());
        Assert.Equal("correct-horse-battery-staple", unit.GetProperty("admin_password").GetString());
    }

    [Theory]
    [InlineData("zz:zz:zz:zz:zz:zz")]
    [InlineData("00:00:00:00:00:00")]
    [InlineData("123")]
    public async Task Lookup_with_a_malformed_mac_is_400(string mac)
    {
        var response = await api.Client().GetAsync($"/api/units/{Uri.EscapeDataString(mac)}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<long> UnitCount()
    {
        await using var db = new NpgsqlConnection(api.ConnectionString);
        await db.OpenAsync();
        return (long)(await new NpgsqlCommand("SELECT count(*) FROM units", db).ExecuteScalarAsync())!;
    }
}
