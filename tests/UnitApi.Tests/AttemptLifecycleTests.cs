using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using PrivateBox.Factory.Services.UnitApi;
using PrivateBox.Factory.Services.UnitApi.Stuck;
using PrivateBox.Factory.Services.UnitApi.Units;
using static PrivateBox.Factory.Services.UnitApi.Units.AttemptLifecycle;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>Every transition written down in <see cref="AttemptLifecycle"/>, carried out through the API and checked.</summary>
public class AttemptLifecycleTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    public static TheoryData<int, string> Transitions()
    {
        var data = new TheoryData<int, string>();
        for (var i = 0; i < All.Count; i++) data.Add(i, All[i].ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public async Task The_api_does_what_the_lifecycle_says(int index, string transition)
    {
        var t = All[index];
        var mac = TestUnits.NewMac();
        var last = await ArrangeAsync(mac, t.From);
        if (t.AfterGrace) api.Clock.Advance(Options.RebuildGrace + TimeSpan.FromMinutes(1));
        var attemptBefore = await AttemptNumberAsync(mac);

        var answer = await ActAsync(mac, t, last);

        if (t.To is null) Assert.True(answer == HttpStatusCode.Conflict, $"{transition}: answered {answer}");
        else Assert.True(answer == HttpStatusCode.OK, $"{transition}: answered {answer}");
        Assert.Equal(t.To ?? t.From, await StatusAsync(mac));
        if (t.From is not null) Assert.Equal(t.NewAttempt, await AttemptNumberAsync(mac) != attemptBefore);
        var credentials = await CredentialRowsAsync(mac);
        var expected = t.Passwords is Passwords.Stored or Passwords.Kept ? 1 : 0;
        Assert.True(expected == credentials, $"{transition}: {credentials} credential rows");
    }

    private UnitApiOptions Options => api.Services.GetRequiredService<IOptions<UnitApiOptions>>().Value;

    /// <summary>Brings a fresh unit to <paramref name="status"/>; returns the last report it sent.</summary>
    private async Task<object?> ArrangeAsync(string mac, string? status)
    {
        var ready = TestUnits.Ready(mac, admin: "alpha-before-bravo-charlie");
        switch (status)
        {
            case null: return null;
            case UnitStatus.Building: await Send("/api/heartbeat", TestUnits.Heartbeat(mac)); return null;
            case UnitStatus.Stuck:
                await Send("/api/heartbeat", TestUnits.Heartbeat(mac));
                await SilenceAsync();
                return null;
            case UnitStatus.Ready: await Send("/api/units", ready); return ready;
            case UnitStatus.Failed: return await SendReport(TestUnits.Failed(mac, "adguard"));
            case UnitStatus.BurnInComplete or UnitStatus.BurnInFailed:
                await Send("/api/units", ready);
                return await SendReport(BurnIn(mac, status));
            case UnitStatus.Labeled:
                await Send("/api/units", ready);
                Assert.Equal(HttpStatusCode.OK, (await api.Label().DeleteAsync($"/api/units/{mac}")).StatusCode);
                return ready;
            default: throw new ArgumentOutOfRangeException(nameof(status));
        }
    }

    private async Task<HttpStatusCode> ActAsync(string mac, Transition t, object? last)
    {
        switch (t.Trigger)
        {
            case Trigger.Heartbeat: return (await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac))).StatusCode;
            case Trigger.Silence: await SilenceAsync(); return HttpStatusCode.OK;
            case Trigger.Label: return (await api.Label().DeleteAsync($"/api/units/{mac}")).StatusCode;
            case Trigger.ResentReport: return (await api.Unit().PostJson("/api/units", last!)).StatusCode;
            default:
                object report = t.Reported switch
                {
                    UnitStatus.Ready => TestUnits.Ready(mac, admin: "delta-after-echo-foxtrot"),
                    UnitStatus.Failed => TestUnits.Failed(mac, "portainer"),
                    _ => BurnIn(mac, t.Reported!),
                };
                return (await api.Unit().PostJson("/api/units", report)).StatusCode;
        }
    }

    private async Task SilenceAsync()
    {
        api.Clock.Advance(Options.StuckAfter + TimeSpan.FromMinutes(1));
        await api.Services.GetRequiredService<StuckDetector>().MarkStuckAsync(default);
    }

    private static object BurnIn(string mac, string status) => new
    {
        mac_wan = mac, status, test_results = new Dictionary<string, string> { ["burn_in_cpu"] = status == UnitStatus.BurnInFailed ? "fail" : "pass" },
    };

    private async Task Send(string url, object body) =>
        Assert.Equal(HttpStatusCode.OK, (await api.Unit().PostJson(url, body)).StatusCode);

    private async Task<object> SendReport(object body)
    {
        await Send("/api/units", body);
        return body;
    }

    private async Task<string?> StatusAsync(string mac)
    {
        var response = await api.Client().GetAsync($"/api/units/{mac}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : (await response.Json()).GetProperty("status").GetString();
    }

    private async Task<int?> AttemptNumberAsync(string mac)
    {
        var response = await api.Client().GetAsync($"/api/units/{mac}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : (await response.Json()).GetProperty("attempt").GetInt32();
    }

    private async Task<long> CredentialRowsAsync(string mac)
    {
        await using var db = new NpgsqlConnection(api.ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM unit_credentials c JOIN build_attempts a ON a.id = c.attempt_id WHERE a.unit_mac = @m", db);
        command.Parameters.AddWithValue("m", mac);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
