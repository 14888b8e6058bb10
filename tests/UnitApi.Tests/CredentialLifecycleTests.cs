using System.Net;
using Npgsql;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>
/// Passwords exist only for a unit's current build, and only while it is ready (or burn_in_complete) and unlabeled:
/// whatever the unit resends, however it is rebuilt, whichever order things happen in.
/// </summary>
public class CredentialLifecycleTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    [Fact]
    public async Task A_ready_report_resent_after_its_label_is_answered_as_before_and_brings_no_password_back()
    {
        var mac = TestUnits.NewMac();
        var ready = TestUnits.Ready(mac, admin: "sierra-tango-uniform-victor");
        var first = await (await api.Unit().PostJson("/api/units", ready)).Json();
        Assert.Equal(HttpStatusCode.OK, (await api.Label().DeleteAsync($"/api/units/{mac}")).StatusCode);

        var resent = await api.Unit().PostJson("/api/units", ready);

        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        var answer = await resent.Json();
        Assert.Equal(1, answer.GetProperty("attempt").GetInt32());
        Assert.Equal(first.GetProperty("attempt_id").GetGuid(), answer.GetProperty("attempt_id").GetGuid());
        var unit = await (await api.Label().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("labeled", unit.GetProperty("status").GetString());
        Assert.False(unit.TryGetProperty("admin_password", out _));
        Assert.Empty(await CredentialsAsync(mac));
    }

    [Fact]
    public async Task Another_report_for_a_labeled_unit_is_refused_until_the_rebuilt_unit_sends_heartbeats()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac));
        await api.Label().DeleteAsync($"/api/units/{mac}");

        var refused = await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin: "whiskey-xray-yankee-zulu"));
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));
        var rebuilt = await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin: "whiskey-xray-yankee-zulu"));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rebuilt.StatusCode);
        Assert.Equal(2, (await rebuilt.Json()).GetProperty("attempt").GetInt32());
        Assert.Equal("whiskey-xray-yankee-zulu", (await (await api.Label().GetAsync($"/api/units/{mac}")).Json()).GetProperty("admin_password").GetString());
    }

    [Fact]
    public async Task A_reflashed_unit_keeps_no_password_of_its_earlier_build()
    {
        var byHeartbeat = TestUnits.NewMac();
        var byReport = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(byHeartbeat));
        await api.Unit().PostJson("/api/units", TestUnits.Ready(byReport));
        api.Clock.Advance(TimeSpan.FromHours(2));

        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(byHeartbeat));
        var second = await (await api.Unit().PostJson("/api/units", TestUnits.Ready(byReport, admin: "alfa-bravo-charlie-delta"))).Json();

        Assert.Empty(await CredentialsAsync(byHeartbeat));
        Assert.Equal([(second.GetProperty("attempt_id").GetGuid(), "ready", true)], await CredentialsAsync(byReport));
    }

    [Fact]
    public async Task A_ready_unit_that_then_reports_failed_keeps_no_password()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac));

        await api.Unit().PostJson("/api/units", TestUnits.Failed(mac, "adguard"));

        var unit = await (await api.Label().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("failed", unit.GetProperty("status").GetString());
        Assert.False(unit.GetProperty("has_credentials").GetBoolean());
        Assert.False(unit.TryGetProperty("admin_password", out _));
        Assert.Empty(await CredentialsAsync(mac));
    }

    [Fact]
    public async Task A_label_for_a_build_the_unit_has_since_replaced_is_refused()
    {
        var mac = TestUnits.NewMac();
        var printed = (await (await api.Unit().PostJson("/api/units", TestUnits.Ready(mac))).Json()).GetProperty("attempt_id").GetGuid();
        api.Clock.Advance(TimeSpan.FromHours(2));
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));

        var label = await api.Label().DeleteAsync($"/api/units/{mac}?attempt={printed}");

        Assert.Equal(HttpStatusCode.Conflict, label.StatusCode);
        Assert.Equal("building", (await (await api.Client().GetAsync($"/api/units/{mac}")).Json()).GetProperty("status").GetString());
        Assert.Empty(await CredentialsAsync(mac));
    }

    [Fact]
    public async Task A_ready_units_passwords_cannot_be_replaced_by_another_report()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin: "lima-mike-november-oscar"));

        var replaced = await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin: "papa-quebec-romeo-sierra"));

        Assert.Equal(HttpStatusCode.Conflict, replaced.StatusCode);
        Assert.Equal("lima-mike-november-oscar", (await (await api.Label().GetAsync($"/api/units/{mac}")).Json()).GetProperty("admin_password").GetString());
    }

    [Fact]
    public async Task A_unit_cannot_claim_another_units_macs()
    {
        var (victim, victimVm, other) = (TestUnits.NewMac(), TestUnits.NewMac(), TestUnits.NewMac());
        var ready = TestUnits.Ready(victim);
        ready["macs"] = new[] { victimVm };
        await api.Unit().PostJson("/api/units", ready);

        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(other, extra: new { macs = new[] { victimVm } }));
        var claim = TestUnits.Failed(other, "dns");
        claim["macs"] = new[] { victim, victimVm };
        await api.Unit().PostJson("/api/units", claim);

        var found = await (await api.Label().GetAsync($"/api/units/{victimVm}")).Json();
        var claimant = await (await api.Client().GetAsync($"/api/units/{other}")).Json();
        Assert.Equal(victim, found.GetProperty("mac").GetString());
        Assert.Equal([other], claimant.GetProperty("macs").EnumerateArray().Select(m => m.GetString()!).ToArray());
    }

    /// <summary>Random sequences of what units and stations do; after every step the invariant holds.</summary>
    [Fact]
    public async Task After_any_sequence_only_the_current_ready_unlabeled_build_has_passwords()
    {
        string[] steps = ["heartbeat", "ready", "ready-again", "failed", "resend", "label", "label-earlier", "later"];
        for (var seed = 0; seed < 12; seed++)
        {
            var random = new Random(seed);
            var mac = TestUnits.NewMac();
            object? last = null;
            Guid? seen = null;
            var trail = new List<string>();
            for (var i = 0; i < 10; i++)
            {
                var step = steps[random.Next(steps.Length)];
                trail.Add(step);
                HttpResponseMessage? response = step switch
                {
                    "heartbeat" => await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac)),
                    "ready" => await api.Unit().PostJson("/api/units", last = TestUnits.Ready(mac, admin: $"echo-foxtrot-{i}-golf")),
                    "ready-again" => await api.Unit().PostJson("/api/units", last = TestUnits.Ready(mac, admin: $"hotel-india-{i}-kilo")),
                    "failed" => await api.Unit().PostJson("/api/units", last = TestUnits.Failed(mac, "dns")),
                    "resend" when last is not null => await api.Unit().PostJson("/api/units", last),
                    "label" => await api.Label().DeleteAsync($"/api/units/{mac}"),
                    "label-earlier" when seen is not null => await api.Label().DeleteAsync($"/api/units/{mac}?attempt={seen}"),
                    "later" => Advance(),
                    _ => null,
                };
                if (response is not null && (int)response.StatusCode >= 500)
                    Assert.Fail($"seed {seed}: {string.Join(" → ", trail)} answered {response.StatusCode}");
                var unit = await api.Client().GetAsync($"/api/units/{mac}");
                if (unit.StatusCode == HttpStatusCode.OK) seen ??= (await unit.Json()).GetProperty("attempt_id").GetGuid();
                foreach (var (attempt, status, current) in await CredentialsAsync(mac))
                    Assert.True(current && status is "ready" or "burn_in_complete",
                        $"seed {seed}: after {string.Join(" → ", trail)} attempt {attempt} ({status}, current: {current}) still has passwords");
            }
        }

        HttpResponseMessage? Advance()
        {
            api.Clock.Advance(TimeSpan.FromHours(2));
            return null;
        }
    }

    private async Task<List<(Guid Attempt, string Status, bool Current)>> CredentialsAsync(string mac)
    {
        await using var db = new NpgsqlConnection(api.ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT a.id, a.status, a.id = u.current_attempt_id FROM unit_credentials c
            JOIN build_attempts a ON a.id = c.attempt_id JOIN units u ON u.mac = a.unit_mac WHERE a.unit_mac = @m
            """, db);
        command.Parameters.AddWithValue("m", mac);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid, string, bool)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetBoolean(2)));
        return rows;
    }
}
