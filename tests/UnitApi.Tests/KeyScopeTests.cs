using System.Net;
using System.Text;
using PrivateBox.Factory.Contracts;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>Each key reaches only its own endpoints (the README's key table); the admin key is not a master key.</summary>
public class KeyScopeTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    private const string AdminKey = "dev-admin-key";

    [Fact]
    public async Task Only_the_label_key_reads_passwords_and_purges()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin: "oscar-papa-quebec-romeo"));

        foreach (var other in new[] { UnitApiFactory.FactoryToken, UnitApiFactory.DebugKey })
        {
            var unit = await (await api.Client(other).GetAsync($"/api/units/{mac}")).Json();
            Assert.False(unit.TryGetProperty("admin_password", out _));
            Assert.Equal(HttpStatusCode.Forbidden, (await api.Client(other).DeleteAsync($"/api/units/{mac}")).StatusCode);
        }
        // The Unit API does not hold the admin key at all: it is no key here.
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Client(AdminKey).GetAsync($"/api/units/{mac}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Client(AdminKey).DeleteAsync($"/api/units/{mac}")).StatusCode);

        var label = await (await api.Label().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("oscar-papa-quebec-romeo", label.GetProperty("admin_password").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.Label().DeleteAsync($"/api/units/{mac}")).StatusCode);
    }

    [Fact]
    public async Task Only_the_factory_token_reports_and_sends_heartbeats()
    {
        var mac = TestUnits.NewMac();
        foreach (var other in new[] { UnitApiFactory.LabelKey, UnitApiFactory.DebugKey })
        {
            var heartbeat = await api.Client(other).PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));
            var report = await api.Client(other).PostJson("/api/units", TestUnits.Ready(mac));
            Assert.Equal(HttpStatusCode.Forbidden, heartbeat.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, report.StatusCode);
            Assert.Contains("factory token", (await heartbeat.Json()).GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client().GetAsync($"/api/units/{mac}")).StatusCode);
    }

    [Fact]
    public async Task The_debug_key_gets_digests_that_find_the_passwords_and_never_the_passwords()
    {
        var mac = TestUnits.NewMac();
        const string admin = "sierra-tango-uniform-victor", services = "Zq8*Lm2+Xr7=Pw4@Hk9nTb3c";
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin, services));

        foreach (var other in new[] { UnitApiFactory.FactoryToken, UnitApiFactory.LabelKey })
            Assert.Equal(HttpStatusCode.Forbidden, (await api.Client(other).GetAsync($"/api/units/{mac}/redaction")).StatusCode);
        var response = await api.Debug().GetAsync($"/api/units/{mac}/redaction");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(admin, body);
        Assert.DoesNotContain(services, body);
        var digests = System.Text.Json.JsonSerializer.Deserialize<RedactionDigests>(body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.Equal(2, digests.Secrets.Count);
        foreach (var password in new[] { admin, services })
        {
            var bytes = Encoding.UTF8.GetBytes(password);
            Assert.Contains(digests.Secrets, d => d.Length == bytes.Length && d.Rolling == (uint)RollingHash.Of(bytes)
                && d.Sha256.AsSpan().SequenceEqual(SecretDigest.Salted(digests.Salt, bytes)));
        }

        await api.Label().DeleteAsync($"/api/units/{mac}");
        var labeled = await (await api.Debug().GetAsync($"/api/units/{mac}/redaction")).Json();
        Assert.Equal(0, labeled.GetProperty("secrets").GetArrayLength());
    }
}
