using System.Diagnostics;
using System.Net;
using System.Text;
using Npgsql;

namespace PrivateBox.Factory.UnitApi.Tests;

public class LabelTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    [Fact]
    public async Task Station_sees_passwords_others_do_not()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin: "kilo-lima-mike-november"));

        var station = await (await api.Label().GetAsync($"/api/units/{mac}")).Json();
        var anonymous = await (await api.Client().GetAsync($"/api/units/{mac}")).Json();
        var unit = await (await api.Unit().GetAsync($"/api/units/{mac}")).Json();

        Assert.Equal("kilo-lima-mike-november", station.GetProperty("admin_password").GetString());
        Assert.False(anonymous.TryGetProperty("admin_password", out _));
        Assert.False(unit.TryGetProperty("services_password", out _));
    }

    [Fact]
    public async Task Unit_is_found_by_any_of_its_macs()
    {
        var mac = TestUnits.NewMac();
        var vmMac = TestUnits.NewMac();
        var report = TestUnits.Ready(mac);
        report["macs"] = new[] { vmMac };
        await api.Unit().PostJson("/api/units", report);

        var response = await api.Label().GetAsync($"/api/units/{vmMac.Replace(':', '-').ToUpperInvariant()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mac, (await response.Json()).GetProperty("mac").GetString());
    }

    [Fact]
    public async Task Labeling_purges_passwords_beyond_recovery_and_keeps_the_record()
    {
        var mac = TestUnits.NewMac();
        var admin = $"sentinel-{Guid.NewGuid():N}"[..40];
        var services = $"Sentinel{Guid.NewGuid():N}"[..32];
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin, services));

        var response = await api.Label().DeleteAsync($"/api/units/{mac}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var unit = await (await api.Label().GetAsync($"/api/units/{mac}")).Json();
        Assert.Equal("labeled", unit.GetProperty("status").GetString());
        Assert.True(unit.TryGetProperty("labeled_at", out _));
        Assert.False(unit.TryGetProperty("admin_password", out _));
        Assert.True(unit.TryGetProperty("serial", out _));

        var dump = await PgDumpAsync();
        Assert.Contains(mac, dump);
        Assert.DoesNotContain(admin, dump);
        Assert.DoesNotContain(services, dump);
    }

    [Fact]
    public async Task No_plaintext_password_reaches_the_database_files()
    {
        // With a containerised PostgreSQL the data directory is not reachable; ./factory.sh test always provides it.
        if (TestServers.PgData is null) return;
        var mac = TestUnits.NewMac();
        var admin = $"plaintext-sentinel-{Guid.NewGuid():N}"[..44];
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin));
        await (await api.Label().GetAsync($"/api/units/{mac}")).Json();
        await api.Label().DeleteAsync($"/api/units/{mac}");

        await using (var db = new NpgsqlConnection(api.ConnectionString))
        {
            await db.OpenAsync();
            await new NpgsqlCommand("CHECKPOINT", db).ExecuteNonQueryAsync();
        }

        var needle = Encoding.UTF8.GetBytes(admin);
        var hits = Directory.EnumerateFiles(TestServers.PgData!, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0).ToList();
        Assert.Empty(hits);
    }

    [Fact]
    public async Task Credentials_are_encrypted_at_rest()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac, admin: "oscar-papa-quebec-romeo"));

        await using var db = new NpgsqlConnection(api.ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT c.admin_password FROM unit_credentials c JOIN build_attempts a ON a.id = c.attempt_id WHERE a.unit_mac = @m", db);
        command.Parameters.AddWithValue("m", mac);
        var stored = (byte[])(await command.ExecuteScalarAsync())!;
        Assert.True(stored.AsSpan().IndexOf("oscar-papa"u8) < 0);
        Assert.True(stored.Length > "oscar-papa-quebec-romeo".Length);
    }

    [Fact]
    public async Task Failed_unit_cannot_be_labeled_and_keeps_its_record()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Failed(mac, "adguard"));

        var response = await api.Label().DeleteAsync($"/api/units/{mac}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("failed", (await (await api.Client().GetAsync($"/api/units/{mac}")).Json()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Labeling_twice_is_harmless()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac));

        var first = await api.Label().DeleteAsync($"/api/units/{mac}");
        var second = await api.Label().DeleteAsync($"/api/units/{mac}");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task Labeling_an_unknown_unit_is_not_found()
    {
        var response = await api.Label().DeleteAsync($"/api/units/{TestUnits.NewMac()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<string> PgDumpAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(api.ConnectionString);
        var pgDump = TestServers.PgBin is { } bin ? Path.Combine(bin, "pg_dump") : "pg_dump";
        var start = new ProcessStartInfo(pgDump, ["-h", builder.Host!, "-p", builder.Port.ToString(), "-U", builder.Username!, "-d", builder.Database!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = builder.Password;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        return output;
    }
}
