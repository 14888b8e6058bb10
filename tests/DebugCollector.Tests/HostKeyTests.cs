using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PrivateBox.Factory.Services.DebugCollector.Collection;

namespace PrivateBox.Factory.DebugCollector.Tests;

[Collection(nameof(Suite))]
public class HostKeyTests(Suite suite)
{
    [Fact]
    public async Task First_key_is_trusted_and_recorded_a_changed_key_is_refused_and_shown()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac);
        var first = await CollectAsync(mac);
        var station = suite.Client(Suite.DebugKey);
        var recorded = (await (await station.GetAsync("/api/debug-logs/host-keys")).Json()).EnumerateArray().Single(k => k.GetProperty("mac").GetString() == mac);

        await suite.Ssh.ChangeHostKeyAsync();
        var refused = await CollectAsync(mac);

        Assert.NotEqual(recorded.GetProperty("fingerprint").GetString(), suite.Ssh.HostKeyFingerprint);
        var files = await suite.DownloadAsync(refused);
        Assert.Contains("Host key changed", files["errors.txt"]);
        Assert.Contains(suite.Ssh.HostKeyFingerprint, files["errors.txt"]);
        Assert.Contains(recorded.GetProperty("fingerprint").GetString()!, files["errors.txt"]);
        Assert.DoesNotContain("Attempt 2", files["errors.txt"]);
        Assert.False(files.ContainsKey("bootstrap.log"));
        var shown = (await (await station.GetAsync("/api/debug-logs/host-keys")).Json()).EnumerateArray().Single(k => k.GetProperty("mac").GetString() == mac);
        Assert.Equal(suite.Ssh.HostKeyFingerprint, shown.GetProperty("rejected_fingerprint").GetString());
        Assert.Equal(recorded.GetProperty("fingerprint").GetString(), shown.GetProperty("fingerprint").GetString());
        Assert.NotEqual(first, refused);
    }

    [Fact]
    public async Task Only_an_admin_forgets_a_recorded_key_and_the_next_key_is_trusted_again()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac);
        await CollectAsync(mac);
        await suite.Ssh.ChangeHostKeyAsync();

        var byDebug = await suite.Client(Suite.DebugKey).DeleteAsync($"/api/debug-logs/host-keys/{mac}");
        var byAdmin = await suite.Client(Suite.AdminKey).DeleteAsync($"/api/debug-logs/host-keys/{mac}");
        var files = await suite.DownloadAsync(await CollectAsync(mac));

        Assert.Equal(HttpStatusCode.Forbidden, byDebug.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, byAdmin.StatusCode);
        Assert.False(files.ContainsKey("errors.txt"));
        Assert.Equal(suite.Ssh.HostKeyFingerprint, System.Text.Json.JsonDocument.Parse(files["manifest.json"]).RootElement.GetProperty("host_key").GetString());
    }

    [Fact]
    public async Task The_key_an_enrolled_unit_reported_is_trusted_also_after_a_reflash_and_no_other()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac, hostKey: suite.Ssh.HostKeyFingerprint);
        var first = await suite.DownloadAsync(await CollectAsync(mac));
        // Reflashed and enrolled again: a new key, reported with the heartbeats, trusted without an admin.
        await suite.Ssh.ChangeHostKeyAsync();
        await suite.HeartbeatAsync(mac, hostKey: suite.Ssh.HostKeyFingerprint);
        var reflashed = await suite.DownloadAsync(await CollectAsync(mac));
        var reported = suite.Ssh.HostKeyFingerprint;
        // Something else answering at the unit's address is refused, whatever was trusted before.
        await suite.Ssh.ChangeHostKeyAsync();
        var impostor = await suite.DownloadAsync(await CollectAsync(mac));

        Assert.False(first.ContainsKey("errors.txt"));
        Assert.False(reflashed.ContainsKey("errors.txt"));
        Assert.Equal(reported, System.Text.Json.JsonDocument.Parse(reflashed["manifest.json"]).RootElement.GetProperty("host_key").GetString());
        Assert.Contains("Host key changed", impostor["errors.txt"]);
        Assert.Contains(reported, impostor["errors.txt"]);
        Assert.False(impostor.ContainsKey("bootstrap.log"));
    }

    [Fact]
    public async Task A_host_key_that_is_not_a_fingerprint_is_refused_with_the_field_named()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { mac_wan = TestUnits.NewMac(), status = "building", ssh_host_key = "ssh-ed25519 AAAA" }),
        };
        var response = await suite.UnitApiClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Json()).GetProperty("errors").TryGetProperty("ssh_host_key", out _));
    }

    private async Task<Guid> CollectAsync(string mac)
    {
        await using var scope = suite.Collector.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CollectionService>().CollectAsync(mac, "debug-port", CancellationToken.None);
    }
}
