using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateBox.Factory.Services.DebugCollector.Collection;

namespace PrivateBox.Factory.DebugCollector.Tests;

[Collection(nameof(Suite))]
public class CollectionTests(Suite suite)
{
    [Fact]
    public async Task Every_item_is_collected_separately_when_one_fails_and_one_hangs()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac);
        await suite.ReadyAsync(mac);
        suite.Ssh.WriteLog("/tmp/privatebox-bootstrap.log", $"phase 1\nroot password {TestUnits.ServicesPassword}\nPASSWORD=abc123\n");
        suite.Ssh.WriteLog("/var/log/semaphore.journal", "semaphore: listening\n");

        var id = await CollectAsync(mac);

        var files = await suite.DownloadAsync(id);
        Assert.Equal("phase 1\nroot password [REDACTED]\nPASSWORD=[REDACTED]\n", files["bootstrap.log"]);
        Assert.Equal("semaphore: listening\n", files["semaphore-journal.log"]);
        Assert.Equal("started\n", files["hangs.log"]);
        Assert.Contains("No such file", files["missing.stderr"]);
        var items = JsonDocument.Parse(files["manifest.json"]).RootElement.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.Equal(0, items["bootstrap"].GetProperty("exit_status").GetInt32());
        Assert.Equal(1, items["missing"].GetProperty("exit_status").GetInt32());
        Assert.True(items["hangs"].GetProperty("timed_out").GetBoolean());
        Assert.InRange(items["hangs"].GetProperty("duration_ms").GetInt64(), 1500, 8000);
        Assert.False(await HangingCommandStillRunsAsync(), "the timed-out command was left running on the unit");
        Assert.Equal(0, items["semaphore-journal"].GetProperty("exit_status").GetInt32());
        var listed = await (await suite.Client(Suite.DebugKey).GetAsync($"/api/debug-logs?mac={mac}")).Json();
        Assert.False(listed[0].GetProperty("complete").GetBoolean());
        Assert.Equal("127.0.0.1", listed[0].GetProperty("host").GetString());
    }

    [Fact]
    public async Task No_plaintext_password_reaches_the_database()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac);
        await suite.ReadyAsync(mac);
        suite.Ssh.WriteLog("/tmp/privatebox-bootstrap.log", $"admin {TestUnits.AdminPassword}\nservices {TestUnits.ServicesPassword}\n");

        var id = await CollectAsync(mac);

        Assert.Equal(0L, await suite.CountAsync(
            "SELECT count(*) FROM debug.bundle_chunks WHERE bundle_id = $1 AND (position($2 IN data) > 0 OR position($3 IN data) > 0)",
            id, System.Text.Encoding.UTF8.GetBytes(TestUnits.AdminPassword), System.Text.Encoding.UTF8.GetBytes(TestUnits.ServicesPassword)));
        Assert.Contains("admin [REDACTED]", (await suite.DownloadAsync(id))["bootstrap.log"]);
    }

    [Fact]
    public async Task Unreachable_unit_still_gives_a_bundle_with_the_error_after_retries()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac, ip: "127.0.0.9", proxmoxIp: "127.0.0.8");

        var id = await CollectAsync(mac);

        var files = await suite.DownloadAsync(id);
        var errors = files["errors.txt"];
        Assert.Contains("Attempt 3: Could not connect", errors);
        Assert.Contains("127.0.0.8", errors);
        Assert.Contains("127.0.0.9", errors);
        Assert.False(files.ContainsKey("bootstrap.log"));
    }

    [Fact]
    public async Task An_unreachable_proxmox_ip_falls_back_to_the_heartbeat_address_and_the_bundle_is_complete()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac, ip: "127.0.0.1", proxmoxIp: "127.0.0.8");
        suite.Ssh.WriteLog("/tmp/privatebox-bootstrap.log", "all good\n");
        var options = suite.Collector.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Services.DebugCollector.DebugCollectorOptions>>().Value;
        var original = options.Items;

        Guid id;
        options.Items = original.Where(i => i.Name == "bootstrap").ToList();
        try { id = await CollectAsync(mac); }
        finally { options.Items = original; }

        var files = await suite.DownloadAsync(id);
        var manifest = JsonDocument.Parse(files["manifest.json"]).RootElement;
        Assert.True(manifest.GetProperty("complete").GetBoolean());
        Assert.Equal("127.0.0.1", manifest.GetProperty("host").GetString());
        Assert.Contains("127.0.0.8", files["errors.txt"]);
        Assert.Equal("all good\n", files["bootstrap.log"]);
    }

    [Fact]
    public async Task Refused_login_is_retried_and_still_gives_a_bundle_with_the_error()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac);

        Guid id;
        using (suite.Ssh.RefuseLogins()) id = await CollectAsync(mac);

        var files = await suite.DownloadAsync(id);
        Assert.Contains("Attempt 1: Could not connect", files["errors.txt"]);
        Assert.Contains("Attempt 3: Could not connect", files["errors.txt"]);
        Assert.Contains("Permission denied", files["errors.txt"]);
        Assert.Contains("\"complete\":false", files["manifest.json"]);
    }

    [Fact]
    public async Task Unit_the_unit_api_does_not_know_gives_a_bundle_saying_so()
    {
        var mac = TestUnits.NewMac();

        var files = await suite.DownloadAsync(await CollectAsync(mac));

        Assert.Contains($"No unit has reported MAC {mac}", files["errors.txt"]);
    }

    [Fact]
    public async Task Passwords_and_key_material_never_reach_the_logs()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac);
        await suite.ReadyAsync(mac);

        await CollectAsync(mac);

        Assert.DoesNotContain(suite.Logs, l => l.Contains(TestUnits.AdminPassword) || l.Contains(TestUnits.ServicesPassword));
        var key = await File.ReadAllTextAsync(suite.Ssh.ClientKey);
        var keyBody = key.Split('\n')[1];
        Assert.DoesNotContain(suite.Logs, l => l.Contains(keyBody));
    }

    [Fact]
    public async Task An_unreadable_debug_key_gives_a_bundle_with_the_error_not_the_key()
    {
        var mac = TestUnits.NewMac();
        await suite.HeartbeatAsync(mac);
        var broken = Path.Combine(suite.Ssh.Dir, "broken_key");
        await File.WriteAllTextAsync(broken, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-key-c2VjcmV0\n-----END OPENSSH PRIVATE KEY-----\n");
        var options = suite.Collector.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Services.DebugCollector.DebugCollectorOptions>>().Value;
        var original = options.Ssh.KeyFile;

        Guid id;
        options.Ssh.KeyFile = broken;
        try { id = await CollectAsync(mac); }
        finally { options.Ssh.KeyFile = original; }

        var errors = (await suite.DownloadAsync(id))["errors.txt"];
        Assert.Contains("Attempt 1: The factory debug key file could not be read", errors);
        Assert.DoesNotContain("Attempt 2", errors);
        Assert.DoesNotContain("c2VjcmV0", errors);
        Assert.DoesNotContain(suite.Logs, l => l.Contains("c2VjcmV0"));
    }

    private async Task<bool> HangingCommandStillRunsAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(3));
        using var pgrep = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("pgrep", ["-f", $"sleep {suite.HangSleep}"]) { RedirectStandardOutput = true })!;
        await pgrep.WaitForExitAsync();
        return pgrep.ExitCode == 0;
    }

    private async Task<Guid> CollectAsync(string mac)
    {
        await using var scope = suite.Collector.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CollectionService>().CollectAsync(mac, "debug-port", CancellationToken.None);
    }
}
