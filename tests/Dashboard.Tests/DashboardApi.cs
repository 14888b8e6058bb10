using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PrivateBox.Factory.Contracts;

namespace PrivateBox.Factory.Dashboard.Tests;

/// <summary>
/// The real Unit API on Kestrel with a throwaway database, the test RabbitMQ and <see cref="LineServices"/> as the
/// switch monitor and CDN. <see cref="StartAt"/> set: a controllable clock starting then (metrics on known days).
/// </summary>
public class DashboardApi : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string FactoryToken = "dev-factory-token";
    public const string LabelKey = "dev-label-key";

    public LineServices Line { get; } = new();
    /// <summary>Port events of this fixture name a switch of its own, so events other tests publish on the shared broker never touch its ports.</summary>
    public string SwitchId { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];
    public FakeTimeProvider? Clock { get; private set; }
    public string ConnectionString { get; private set; } = "";
    public string BaseUrl => ClientOptions.BaseAddress.ToString();
    protected virtual DateTimeOffset? StartAt => null;

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await TestServers.CreateDatabaseAsync("dashboard");
        if (StartAt is { } start) Clock = new FakeTimeProvider(start);
        UseKestrel(0);
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:factorydb", ConnectionString);
        builder.UseSetting("UnitApi:DatabaseDeadline", "00:01:00"); // a test machine runs many suites at once
        builder.UseSetting("ConnectionStrings:messaging", TestServers.RabbitMq);
        builder.UseSetting("UnitApi:StuckCheckInterval", "00:00:01");
        builder.UseSetting("UnitApi:StuckGrace", "00:00:00"); // the fixture's units are not silent because of an outage
        builder.UseSetting("UnitApi:TimeZone", "UTC");
        builder.UseSetting("Dashboard:SwitchMonitorUrl", Line.Url);
        builder.UseSetting("Dashboard:CdnUrl", Line.Url);
        builder.UseSetting("Dashboard:HealthInterval", "00:00:00.500");
        builder.UseSetting("Dashboard:QueueInstance", Guid.NewGuid().ToString("N")[..12]);
        if (Clock is not null) builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = CreateClient();
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public async Task HeartbeatAsync(string mac, string stage, params string[] macs)
    {
        var response = await Client(FactoryToken).PostAsJsonAsync("/api/heartbeat", new { mac_wan = mac, status = "building", stage, macs });
        response.EnsureSuccessStatusCode();
    }

    public async Task ReadyAsync(string mac, int durationSeconds = 1000)
    {
        var response = await Client(FactoryToken).PostAsJsonAsync("/api/units", new
        {
            mac_wan = mac, status = "ready", serial = Guid.NewGuid().ToString(), admin_password = "correct-horse-battery-staple",
            services_password = "Zq8*Lm2+Xr7=Pw4@Hk9nTb3c", build_duration_seconds = durationSeconds,
            test_results = new Dictionary<string, string> { ["portainer"] = "pass" },
        });
        response.EnsureSuccessStatusCode();
    }

    public async Task FailedAsync(string mac, params string[] failedTests)
    {
        var response = await Client(FactoryToken).PostAsJsonAsync("/api/units",
            new { mac_wan = mac, status = "failed", error_log = "self-test failed", failed_tests = failedTests });
        response.EnsureSuccessStatusCode();
    }

    public async Task LabelAsync(string mac) => (await Client(LabelKey).DeleteAsync($"/api/units/{mac}")).EnsureSuccessStatusCode();

    /// <summary>Publishes over the real RabbitMQ and waits until the consumer has stored it.</summary>
    public async Task PublishAsync<T>(T message, string table, int expectedRows, string where = "true") where T : class
    {
        await Services.GetRequiredService<IBus>().Publish(message);
        await WaitUntilAsync(async () => await CountAsync(table, where) >= expectedRows, $"{typeof(T).Name} consumed into {table}");
    }

    /// <summary>Publishes a link-up on this fixture's switch and waits until the port has <paramref name="expectedLinks"/> links.</summary>
    public Task LinkUpAsync(int port, DateTimeOffset at, int expectedLinks, params string[] macs) =>
        PublishAsync(new PortLinkedUp { SwitchId = SwitchId, Port = port, IfIndex = port, Role = PortRole.Build, Macs = macs, DetectedAt = at, Source = DetectionSource.Poll },
            "dashboard_port_links", expectedLinks, $"switch_id = '{SwitchId}' AND port = {port} AND cardinality(macs) > 0");

    public async Task<long> CountAsync(string table, string where = "true")
    {
        await using var db = new NpgsqlConnection(ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE {where}", db);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var db = new NpgsqlConnection(ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await Client().GetAsync(url);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    public static string NewMac(byte first = 0x02)
    {
        var bytes = Guid.NewGuid().ToByteArray()[..6];
        bytes[0] = first;
        return string.Join(':', bytes.Select(b => b.ToString("x2")));
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Line.DisposeAsync();
    }
}
