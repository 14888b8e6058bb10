using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.ServiceDefaults.Security;
using PrivateBox.Factory.Services.DebugCollector.Bundles;

namespace PrivateBox.Factory.Services.DebugCollector.Collection;

/// <summary>
/// What the collector needs of a unit: where to reach it, the host key it reported (enrolled units) and which passwords
/// to redact. ToString hides the passwords.
/// </summary>
public sealed record UnitInfo(string Mac, string Status, IReadOnlyList<string> Addresses, IReadOnlyList<string> Passwords, string? HostKey = null)
{
    public override string ToString() => $"UnitInfo {{ Mac = {Mac}, Status = {Status}, Addresses = [{string.Join(", ", Addresses)}] }}";
}

/// <summary>Looks units up in the Unit API (<c>GET /api/units/{mac}</c>) with the station key, which also returns the passwords to redact.</summary>
public sealed class UnitDirectory(HttpClient http, FactoryKeys keys)
{
    public static void Configure(IServiceProvider services, HttpClient http) =>
        http.BaseAddress = new Uri(services.GetRequiredService<IOptions<DebugCollectorOptions>>().Value.UnitApiUrl);

    /// <summary>The unit owning <paramref name="mac"/>, or null when no unit has reported it. Throws when the Unit API cannot answer.</summary>
    public async Task<UnitInfo?> FindAsync(string mac, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/units/{Uri.EscapeDataString(mac)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.StationKey);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        var unit = await response.Content.ReadFromJsonAsync<UnitResponse>(BundleJson.Options, ct)
            ?? throw new InvalidOperationException("The Unit API answered an empty body.");
        // proxmox_ip is the host itself when the unit sent it; the heartbeat's address is the fallback.
        var addresses = new[] { unit.ProxmoxIp, unit.IpAddress }.OfType<string>().Where(a => a.Length > 0).Distinct().ToList();
        var passwords = new[] { unit.AdminPassword, unit.ServicesPassword }.OfType<string>().Where(p => p.Length > 0).ToList();
        return new UnitInfo(unit.Mac, unit.Status, addresses, passwords, unit.SshHostKey);
    }

    private sealed record UnitResponse(
        string Mac, string Status,
        [property: JsonPropertyName("ip_address")] string? IpAddress,
        [property: JsonPropertyName("proxmox_ip")] string? ProxmoxIp,
        [property: JsonPropertyName("ssh_host_key")] string? SshHostKey,
        [property: JsonPropertyName("admin_password")] string? AdminPassword,
        [property: JsonPropertyName("services_password")] string? ServicesPassword)
    {
        public override string ToString() => $"UnitResponse {{ Mac = {Mac} }}";
    }
}
