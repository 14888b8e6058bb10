using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PrivateBox.Factory.Contracts;

namespace PrivateBox.Factory.AppHost.Tests;

/// <summary>The whole suite as `dotnet run --project AppHost` starts it, with its own local servers in a throwaway folder.</summary>
[Collection("suite")]
public sealed class SuiteTests(SuiteFixture suite)
{
    private DistributedApplication App => suite.App;
    private static TimeSpan StartTimeout => SuiteFixture.StartTimeout;

    [Fact]
    public async Task Every_resource_becomes_healthy_and_a_heartbeat_through_the_gateway_is_readable_through_it()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        foreach (var resource in new[] { ResourceNames.Postgres, ResourceNames.Messaging, ResourceNames.UnitApi, ResourceNames.Cdn,
                     ResourceNames.SwitchMonitor, ResourceNames.DebugCollector, ResourceNames.PrintStation, ResourceNames.Gateway })
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token);

        var gateway = App.CreateHttpClient(ResourceNames.Gateway);
        gateway.DefaultRequestHeaders.Authorization = new("Bearer", "dev-factory-token");
        var heartbeat = await gateway.PostAsJsonAsync("/api/heartbeat",
            new { mac_wan = "02-AB-CD-EF-01-23", status = "building", stage = "Phase 1", timestamp = DateTimeOffset.UtcNow });
        var unit = await gateway.GetAsync("/api/units/02abcdef0123");

        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unit.StatusCode);
        var body = JsonDocument.Parse(await unit.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("02:ab:cd:ef:01:23", body.GetProperty("mac").GetString());
        Assert.Equal("building", body.GetProperty("status").GetString());
        // The gateway forwards the client address, so the unit's IP is recorded.
        Assert.False(string.IsNullOrEmpty(body.GetProperty("ip_address").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_gateway_bound_to_its_factory_address_also_answers_there()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Gateway, cts.Token);
        using var lan = new HttpClient { BaseAddress = suite.GatewayBinding };

        var health = await lan.GetAsync("/health");
        var board = await lan.GetAsync("/api/metrics/board");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
    }

    [Fact]
    public async Task The_local_broker_has_a_user_of_its_own_and_no_guest()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Messaging, cts.Token);
        var uri = new Uri((await App.GetConnectionStringAsync(ResourceNames.Messaging, cts.Token))!);

        Assert.StartsWith("factory:", uri.UserInfo);
        var guest = new RabbitMQ.Client.ConnectionFactory { Uri = new UriBuilder(uri) { UserName = "guest", Password = "guest" }.Uri };
        await Assert.ThrowsAnyAsync<RabbitMQ.Client.Exceptions.BrokerUnreachableException>(() => guest.CreateConnectionAsync(cts.Token));
    }
}
