using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PrivateBox.Factory.Contracts;

namespace PrivateBox.Factory.AppHost.Tests;

/// <summary>With no switch configured the suite runs the simulated one: plugging a MAC by hand shows through the gateway.</summary>
[Collection("suite")]
public sealed class SimulatedSwitchTests(SuiteFixture suite)
{
    private DistributedApplication App => suite.App;
    private static TimeSpan StartTimeout => SuiteFixture.StartTimeout;

    [Fact]
    public async Task Mac_plugged_into_port_21_of_the_simulator_shows_in_the_switch_status_through_the_gateway()
    {
        using (var cts = new CancellationTokenSource(StartTimeout))
            await App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Gateway, cts.Token);
        var control = App.CreateHttpClient("switchsimulator");
        var gateway = App.CreateHttpClient(ResourceNames.Gateway);

        var plug = await control.PostAsync("/ports/21/plug?mac=02-AB-CD-EF-21-21", null);
        Assert.Equal(HttpStatusCode.OK, plug.StatusCode);

        JsonElement port21 = default;
        for (var i = 0; i < 50; i++)
        {
            var status = JsonDocument.Parse(await gateway.GetStringAsync("/api/switch/status")).RootElement;
            port21 = status.GetProperty("switches")[0].GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == 21);
            if (port21.GetProperty("macs").GetArrayLength() > 0) break;
            await Task.Delay(200);
        }
        Assert.Equal("up", port21.GetProperty("link").GetString());
        Assert.Equal("02:ab:cd:ef:21:21", port21.GetProperty("macs")[0].GetString());
        Assert.Equal(nameof(PortRole.Label), port21.GetProperty("role").GetString());
    }
}
