using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace PrivateBox.Factory.Cdn.Tests;

/// <summary>GET /cdn/status and the health check follow the required assets: missing, mismatched, then verified.</summary>
[Collection(CdnCollection.Name)]
public sealed class ReadinessTests(CdnSuite suite)
{
    private async Task<Dictionary<string, string>> StatesAsync(HttpClient client)
    {
        var status = await client.GetFromJsonAsync<JsonElement>("/cdn/status");
        return status.GetProperty("required").EnumerateArray()
            .ToDictionary(r => r.GetProperty("path").GetString()!, r => r.GetProperty("state").GetString()!);
    }

    private async Task<string> StateWhenSettledAsync(HttpClient client, string path)
    {
        for (var i = 0; i < 300; i++)
        {
            var state = (await StatesAsync(client))[path];
            if (state != "pending") return state;
            await Task.Delay(100);
        }
        return "pending";
    }

    [Fact]
    public async Task Status_and_health_report_missing_mismatched_and_verified_required_assets()
    {
        const string required = "source/privatebox-bootstrap.tar.gz";
        using var client = suite.Client();
        using var cdn = new HttpClient { BaseAddress = suite.CdnAddress };
        var missing = await StatesAsync(client);
        var unhealthy = await cdn.GetStringAsync("/health");

        await suite.WriteAssetAsync(required, RandomNumberGenerator.GetBytes(1000));
        var mismatch = await StateWhenSettledAsync(client, required);

        await suite.WriteAssetAsync(required, CdnSuite.BootstrapBytes);
        await suite.WriteAssetAsync("templates/opnsense-template.vma.zst", CdnSuite.TemplateBytes);
        await suite.WriteAssetAsync("images/debian-13-genericcloud-amd64.qcow2", CdnSuite.DebianBytes);
        for (var i = 0; i < 300 && (await StatesAsync(client)).Values.Any(s => s != "ok"); i++) await Task.Delay(100);
        var ready = await client.GetFromJsonAsync<JsonElement>("/cdn/status");

        Assert.Equal("missing", missing[required]);
        Assert.Equal("Degraded", unhealthy);
        Assert.Equal("checksum-mismatch", mismatch);
        Assert.True(ready.GetProperty("ready").GetBoolean(), ready.ToString());
        Assert.All(ready.GetProperty("required").EnumerateArray(), r => Assert.Equal("ok", r.GetProperty("state").GetString()));
        Assert.Equal("Healthy", await cdn.GetStringAsync("/health"));
    }
}
