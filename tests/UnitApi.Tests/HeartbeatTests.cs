using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PrivateBox.Factory.Services.UnitApi.Heartbeats;

namespace PrivateBox.Factory.UnitApi.Tests;

public class HeartbeatTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    [Fact]
    public async Task Heartbeat_for_unknown_mac_creates_building_unit()
    {
        var mac = TestUnits.NewMac();

        var response = await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac, "Phase 2: OPNsense"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var unit = await (await api.Client().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("building", unit.GetProperty("status").GetString());
        Assert.Equal("Phase 2: OPNsense", unit.GetProperty("stage").GetString());
        Assert.Equal(1, unit.GetProperty("attempt").GetInt32());
        Assert.True(unit.TryGetProperty("last_heartbeat_at", out _));
    }

    [Fact]
    public async Task Heartbeat_records_client_ip_proxmox_ip_and_every_mac()
    {
        var mac = TestUnits.NewMac();
        var vmMac = TestUnits.NewMac();
        var client = api.Unit();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "192.168.100.57");

        await client.PostJson("/api/heartbeat", TestUnits.Heartbeat(mac, extra: new { proxmox_ip = "192.168.100.57", macs = new[] { vmMac.ToUpperInvariant().Replace(':', '-') } }));

        var unit = await (await api.Client().GetAsync($"/api/units/{vmMac}")).Json();
        Assert.Equal(mac, unit.GetProperty("mac").GetString());
        Assert.Equal("192.168.100.57", unit.GetProperty("ip_address").GetString());
        Assert.Equal("192.168.100.57", unit.GetProperty("proxmox_ip").GetString());
        Assert.Contains(vmMac, unit.GetProperty("macs").EnumerateArray().Select(m => m.GetString()));
    }

    [Theory]
    [InlineData("dash")]
    [InlineData("colon")]
    [InlineData("cisco")]
    [InlineData("bare")]
    public async Task Every_mac_form_is_stored_in_one_canonical_form(string form)
    {
        var mac = TestUnits.NewMac();
        var hex = mac.Replace(":", "");
        var written = form switch
        {
            "dash" => mac.Replace(':', '-').ToUpperInvariant(),
            "colon" => mac,
            "cisco" => $"{hex[..4]}.{hex[4..8]}.{hex[8..]}",
            _ => hex.ToUpperInvariant(),
        };

        var response = await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(written));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mac, (await response.Json()).GetProperty("mac").GetString());
    }

    [Fact]
    public async Task Repeated_heartbeats_continue_one_attempt()
    {
        var mac = TestUnits.NewMac();
        var first = await (await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac, "Phase 1"))).Json();
        var second = await (await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac, "Phase 3"))).Json();

        Assert.Equal(first.GetProperty("attempt_id").GetString(), second.GetProperty("attempt_id").GetString());
        Assert.False(second.GetProperty("new_attempt").GetBoolean());
        await using var db = new NpgsqlConnection(api.ConnectionString);
        await db.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT heartbeat_count FROM build_attempts WHERE unit_mac = @m", db);
        count.Parameters.AddWithValue("m", mac);
        Assert.Equal(2, (int)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Concurrent_first_heartbeats_of_one_unit_make_one_attempt()
    {
        var mac = TestUnits.NewMac();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var attempts = await (await api.Client().GetAsync($"/api/units/{mac}/attempts")).Json();
        Assert.Equal(1, attempts.GetArrayLength());
    }

    [Fact]
    public async Task A_report_racing_heartbeats_of_its_unit_stands()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));

        var heartbeats = Enumerable.Range(0, 24).Select(_ => api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac, "Phase 5: self-test")));
        var report = api.Unit().PostJson("/api/units", TestUnits.Ready(mac));
        var responses = await Task.WhenAll(heartbeats.Append(report));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var unit = await (await api.Client().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("ready", unit.GetProperty("status").GetString());
        Assert.Equal(1, unit.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Only_heartbeats_commit_without_waiting_for_the_disk()
    {
        async Task<string?> SynchronousCommit(NpgsqlDataSource db)
        {
            await using var command = db.CreateCommand("SHOW synchronous_commit");
            return (string?)await command.ExecuteScalarAsync();
        }

        Assert.Equal("off", await SynchronousCommit(api.Services.GetRequiredKeyedService<NpgsqlDataSource>(HeartbeatApi.DataSource)));
        Assert.Equal("on", await SynchronousCommit(api.Services.GetRequiredService<NpgsqlDataSource>()));
    }
}
