using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PrivateBox.Factory.Contracts;

namespace PrivateBox.Factory.AppHost.Tests;

/// <summary>Debug bundles through the gateway as units and stations reach them, on the bare path and below it.</summary>
[Collection("suite")]
public sealed class DebugLogsGatewayTests(SuiteFixture suite)
{
    private DistributedApplication App => suite.App;
    private static TimeSpan StartTimeout => SuiteFixture.StartTimeout;

    [Fact]
    public async Task A_unit_uploads_to_the_bare_path_and_a_station_lists_and_downloads_through_the_gateway()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Gateway, cts.Token);
        var unit = App.CreateHttpClient(ResourceNames.Gateway);
        unit.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "dev-factory-token");
        var station = App.CreateHttpClient(ResourceNames.Gateway);
        station.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "dev-debug-key");

        var upload = await unit.PostAsJsonAsync("/api/debug-logs",
            new { mac = "02-AB-CD-EF-09-99", entries = new Dictionary<string, string> { ["bootstrap.log"] = "PASSWORD=x1\n" } });
        var list = await station.GetAsync("/api/debug-logs?mac=02abcdef0999");
        var id = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var download = await station.GetAsync($"/api/debug-logs/{id}");

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(id, JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement[0].GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/gzip", download.Content.Headers.ContentType?.MediaType);
    }
}
