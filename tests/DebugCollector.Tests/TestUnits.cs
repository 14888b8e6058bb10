using System.Net.Http.Json;
using System.Text.Json;

namespace PrivateBox.Factory.DebugCollector.Tests;

/// <summary>What a unit tells the Unit API, with a fresh MAC per test.</summary>
public static class TestUnits
{
    public const string AdminPassword = "correct-horse-battery-staple";
    public const string ServicesPassword = "Zq8*Lm2+Xr7=Pw4@Hk9nTb3c";

    public static string NewMac()
    {
        var bytes = Guid.NewGuid().ToByteArray()[..6];
        bytes[0] = (byte)((bytes[0] & 0xFC) | 0x02);
        return string.Join(':', bytes.Select(b => b.ToString("x2")));
    }

    /// <summary>A heartbeat as forwarded by the gateway from <paramref name="ip"/>.</summary>
    public static async Task HeartbeatAsync(this Suite suite, string mac, string ip = "127.0.0.1", string? proxmoxIp = null, string? hostKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat")
        {
            Content = JsonContent.Create(new Dictionary<string, object?>
            {
                ["mac_wan"] = mac, ["status"] = "building", ["stage"] = "Phase 3: services",
                ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"), ["proxmox_ip"] = proxmoxIp, ["ssh_host_key"] = hostKey,
            }),
        };
        request.Headers.Add("X-Forwarded-For", ip);
        (await suite.UnitApiClient().SendAsync(request)).EnsureSuccessStatusCode();
    }

    public static async Task ReadyAsync(this Suite suite, string mac) =>
        (await suite.UnitApiClient().PostAsJsonAsync("/api/units", new Dictionary<string, object?>
        {
            ["mac_wan"] = mac, ["status"] = "ready", ["serial"] = Guid.NewGuid().ToString(),
            ["admin_password"] = AdminPassword, ["services_password"] = ServicesPassword,
            ["build_time"] = DateTimeOffset.UtcNow.ToString("O"), ["build_duration_seconds"] = 1000,
            ["test_results"] = new Dictionary<string, string> { ["portainer"] = "pass" },
        })).EnsureSuccessStatusCode();

    public static async Task FailedAsync(this Suite suite, string mac) =>
        (await suite.UnitApiClient().PostAsJsonAsync("/api/units", new Dictionary<string, object?>
        {
            ["mac_wan"] = mac, ["status"] = "failed", ["error_log"] = "semaphore did not start", ["failed_tests"] = new[] { "semaphore" },
        })).EnsureSuccessStatusCode();

    public static async Task<JsonElement> Json(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
