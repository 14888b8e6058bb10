using System.Text;
using PrivateBox.Factory.Services.UnitApi.Credentials;
using PrivateBox.Factory.Services.UnitApi.Units;

namespace PrivateBox.Factory.UnitApi.Tests;

public class SecretTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    [Fact]
    public async Task Passwords_never_reach_logs_or_traces()
    {
        var admin = $"log-sentinel-{Guid.NewGuid():N}"[..30];
        var services = $"Trace{Guid.NewGuid():N}"[..32];
        var mac = TestUnits.NewMac();

        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin, services));
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin, services));
        await api.Label().GetAsync($"/api/units/{mac}");
        var bad = TestUnits.Ready(mac, admin, services);
        bad["serial"] = "broken";
        await api.Unit().PostJson("/api/units", bad);
        await api.Unit().PostAsync("/api/units", new StringContent($"{{\"mac_wan\":\"{mac}\",\"admin_password\":\"{admin}\",\"services_password\":{{\"x\":1}}}}", Encoding.UTF8, "application/json"));
        await api.Label().DeleteAsync($"/api/units/{mac}");

        Assert.DoesNotContain(api.Logs, line => line.Contains(admin) || line.Contains(services));
        Assert.DoesNotContain(api.TraceTags, tag => tag.Contains(admin) || tag.Contains(services));
        Assert.Contains(api.Logs, line => line.Contains(mac));
    }

    [Fact]
    public void Secrets_and_reports_do_not_print_passwords()
    {
        var secret = new Secret("hotel-india-juliet");
        var report = new ReportRequest(null, "ready", null, secret, secret, null, null, null, null, null, null, null, null, null, null, null);

        Assert.DoesNotContain("hotel", secret.ToString());
        Assert.DoesNotContain("hotel", report.ToString());
    }
}
