using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.ServiceDefaults.Security;
using PrivateBox.Factory.Services.DebugCollector.Bundles;

namespace PrivateBox.Factory.Services.DebugCollector.Collection;

/// <summary>
/// What the collector needs of a unit: where to reach it, the host key it reported (enrolled units) and the digests of
/// its passwords to redact (never the passwords).
/// </summary>
public sealed record UnitInfo(string Mac, string Status, IReadOnlyList<string> Addresses, RedactionDigests Redaction, string? HostKey = null)
{
    public override string ToString() => $"UnitInfo {{ Mac = {Mac}, Status = {Status}, Addresses = [{string.Join(", ", Addresses)}] }}";
}

/// <summary>
/// Looks units up in the Unit API with the debug key: <c>GET /api/units/{mac}</c> (no passwords) and
/// <c>GET /api/units/{mac}/redaction</c> (their digests).
/// </summary>
public sealed class UnitDirectory(HttpClient http, FactoryKeys keys)
{
    public static void Configure(IServiceProvider services, HttpClient http) =>
        http.BaseAddress = new Uri(services.GetRequiredService<IOptions<DebugCollectorOptions>>().Value.UnitApiUrl);

    /// <summary>The unit owning <paramref name="mac"/>, or null when no unit has reported it. Throws when the Unit API cannot answer.</summary>
    public async Task<UnitInfo?> FindAsync(string mac, CancellationToken ct)
    {
        var unit = await GetAsync<UnitResponse>($"/api/units/{Uri.EscapeDataString(mac)}", ct);
        if (unit is null) return null;
        var redaction = await GetAsync<RedactionDigests>($"/api/units/{Uri.EscapeDataString(unit.Mac)}/redaction", ct)
            ?? RedactionDigests.Of([]);
        // proxmox_ip is the host itself when the unit sent it; the heartbeat's address is the fallback.
        var addresses = new[] { unit.ProxmoxIp, unit.IpAddress }.OfType<string>().Where(a => a.Length > 0).Distinct().ToList();
        return new UnitInfo(unit.Mac, unit.Status, addresses, redaction, unit.SshHostKey);
    }

    private async Task<T?> GetAsync<T>(string path, CancellationToken ct) where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.DebugKey);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(BundleJson.Options, ct)
            ?? throw new InvalidOperationException("The Unit API answered an empty body.");
    }

    private sealed record UnitResponse(
        string Mac, string Status,
        [property: JsonPropertyName("ip_address")] string? IpAddress,
        [property: JsonPropertyName("proxmox_ip")] string? ProxmoxIp,
        [property: JsonPropertyName("ssh_host_key")] string? SshHostKey);
}
