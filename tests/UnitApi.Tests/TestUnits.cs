using System.Net.Http.Json;
using System.Text.Json;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>Builders for what units send, with a fresh MAC per test so tests never share a unit.</summary>
public static class TestUnits
{
    public static string NewMac()
    {
        var bytes = Guid.NewGuid().ToByteArray()[..6];
        bytes[0] = (byte)((bytes[0] & 0xFC) | 0x02); // locally administered, unicast
        return string.Join(':', bytes.Select(b => b.ToString("x2")));
    }

    public static object Heartbeat(string mac, string stage = "Phase 1: installing", object? extra = null) => Merge(new Dictionary<string, object?>
    {
        ["mac_wan"] = mac, ["status"] = "building", ["stage"] = stage, ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
    }, extra);

    public static Dictionary<string, object?> Ready(string mac, string admin = "correct-horse-battery-staple", string services = "Zq8*Lm2+Xr7=Pw4@Hk9nTb3c") => new()
    {
        ["mac_wan"] = mac, ["status"] = "ready", ["serial"] = Guid.NewGuid().ToString(),
        ["admin_password"] = admin, ["services_password"] = services,
        ["build_time"] = DateTimeOffset.UtcNow.ToString("O"), ["build_duration_seconds"] = 1042,
        ["test_results"] = new Dictionary<string, string> { ["portainer"] = "pass", ["adguard"] = "pass" },
    };

    public static Dictionary<string, object?> Failed(string mac, params string[] failedTests) => new()
    {
        ["mac_wan"] = mac, ["status"] = "failed", ["error_log"] = "adguard did not start",
        ["failed_tests"] = failedTests, ["diagnostic_data"] = new { systemctl_failed = "adguard.service" },
    };

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body);

    public static async Task<JsonElement> Json(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static Dictionary<string, object?> Merge(Dictionary<string, object?> body, object? extra)
    {
        if (extra is null) return body;
        foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        return body;
    }
}
