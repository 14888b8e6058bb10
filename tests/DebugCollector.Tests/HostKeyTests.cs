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
        var station = suite.Client(Suite.StationKey);
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

        var byStation = await suite.Client(Suite.StationKey).DeleteAsync($"/api/debug-logs/host-keys/{mac}");
        var byAdmin = await suite.Client(Suite.AdminKey).DeleteAsync($"/api/debug-logs/host-keys/{mac}");
        var files = await suite.DownloadAsync(await CollectAsync(mac));

        Assert.Equal(HttpStatusCode.Forbidden, byStation.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, byAdmin.StatusCode);
        Assert.False(files.ContainsKey("errors.txt"));
        Assert.Equal(suite.Ssh.HostKeyFingerprint, System.Text.Json.JsonDocument.Parse(files["manifest.json"]).RootElement.GetProperty("host_key").GetString());
    }

    private async Task<Guid> CollectAsync(string mac)
    {
        await using var scope = suite.Collector.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CollectionService>().CollectAsync(mac, "debug-port", CancellationToken.None);
    }
}
