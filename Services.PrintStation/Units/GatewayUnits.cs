using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PrivateBox.Factory.ServiceDefaults.Security;

namespace PrivateBox.Factory.Services.PrintStation.Units;

/// <summary>The Unit API as the station reaches it: through the gateway, with the label key.</summary>
public sealed class GatewayUnits(HttpClient http, FactoryKeys keys)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The unit owning any of <paramref name="macs"/>, or null when none has ever reported.</summary>
    public async Task<StationUnit?> FindAsync(IEnumerable<string> macs, CancellationToken ct)
    {
        foreach (var mac in macs)
        {
            using var response = await http.SendAsync(Request(HttpMethod.Get, mac), ct);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest) continue;
            await EnsureSuccessAsync(response, ct);
            return await response.Content.ReadFromJsonAsync<StationUnit>(Json, ct);
        }
        return null;
    }

    /// <summary>Marks the unit's build <paramref name="attemptId"/> labeled; the Unit API deletes its credentials for good.</summary>
    public async Task<StationUnit> MarkLabeledAsync(string mac, Guid? attemptId, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Delete, mac);
        if (attemptId is { } attempt) request.RequestUri = new Uri($"{request.RequestUri}?attempt={attempt}", UriKind.Relative);
        using var response = await http.SendAsync(request, ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<StationUnit>(Json, ct))!;
    }

    private HttpRequestMessage Request(HttpMethod method, string mac)
    {
        var request = new HttpRequestMessage(method, $"api/units/{Uri.EscapeDataString(mac)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.LabelKey);
        return request;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        // Problem details from the Unit API carry no secrets; show the operator what it said.
        var detail = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).TryGetProperty("detail", out var d) ? d.GetString() : null
            : null;
        throw new GatewayException($"The gateway answered {(int)response.StatusCode} {response.ReasonPhrase}{(detail is null ? "" : $": {detail}")}");
    }
}

public sealed class GatewayException(string message) : Exception(message);
