using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using PrivateBox.Factory.SwitchMonitor.Tests.Peers;

namespace PrivateBox.Factory.SwitchMonitor.Tests;

/// <summary>Timings of one test's switch monitor; short so scenarios run in seconds.</summary>
public sealed record MonitorTimings
{
    public TimeSpan Station { get; init; } = TimeSpan.FromMilliseconds(300);
    public TimeSpan Build { get; init; } = TimeSpan.FromMilliseconds(600);
    public TimeSpan Fast { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan Flap { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>The real SwitchMonitor (in-process host) against a real snmpd and the test RabbitMQ through a relay.</summary>
public sealed class SwitchMonitorHost(string switchId, int snmpPort, int trapPort, string stateDirectory, string rabbitUri, MonitorTimings timings)
    : WebApplicationFactory<Program>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    public ConcurrentQueue<string> Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:messaging", rabbitUri);
        builder.UseSetting("SwitchMonitor:Switches:0:Id", switchId);
        builder.UseSetting("SwitchMonitor:Switches:0:Address", "127.0.0.1");
        builder.UseSetting("SwitchMonitor:Switches:0:Port", snmpPort.ToString());
        builder.UseSetting("SwitchMonitor:Switches:0:Community", "public");
        builder.UseSetting("SwitchMonitor:TrapAddress", "127.0.0.1");
        builder.UseSetting("SwitchMonitor:TrapPort", trapPort.ToString());
        builder.UseSetting("SwitchMonitor:StationPollInterval", timings.Station.ToString());
        builder.UseSetting("SwitchMonitor:BuildPollInterval", timings.Build.ToString());
        builder.UseSetting("SwitchMonitor:FastPollInterval", timings.Fast.ToString());
        builder.UseSetting("SwitchMonitor:FlapWindow", timings.Flap.ToString());
        builder.UseSetting("SwitchMonitor:Timeout", "00:00:01");
        builder.UseSetting("SwitchMonitor:Retries", "2");
        builder.UseSetting("SwitchMonitor:StateDirectory", stateDirectory);
        builder.ConfigureLogging(l => l.AddProvider(new CapturingLoggerProvider(Logs)));
    }

    public async Task<SwitchStatus> StatusAsync()
    {
        var response = await CreateClient().GetFromJsonAsync<SwitchStatusResponse>("/api/switch/status", Json);
        return response!.Switches.Single();
    }

    public async Task<string> HealthAsync() => await CreateClient().GetStringAsync("/health");

    /// <summary>Waits until the status satisfies <paramref name="condition"/>.</summary>
    public async Task<SwitchStatus> WaitForStatusAsync(Func<SwitchStatus, bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var status = await StatusAsync();
            if (condition(status)) return status;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Status never matched; last: {JsonSerializer.Serialize(status)}");
            await Task.Delay(100);
        }
    }
}

/// <summary>One scenario's peers: snmpd, a relay in front of RabbitMQ, a consumer and the monitor.</summary>
public sealed class Scenario : IAsyncDisposable
{
    public required SnmpSwitch Switch { get; init; }
    public required TcpRelay Relay { get; init; }
    public required PortEvents Events { get; init; }
    public required string SwitchId { get; init; }
    public required int TrapPort { get; init; }
    public required string StateDirectory { get; init; }
    public required MonitorTimings Timings { get; init; }
    public SwitchMonitorHost Monitor { get; private set; } = null!;

    public static string RabbitMq => Environment.GetEnvironmentVariable("FACTORY_TEST_RABBITMQ")
        ?? throw new InvalidOperationException("FACTORY_TEST_RABBITMQ is not set: run the tests with ./factory.sh test.");

    public static async Task<Scenario> StartAsync(MonitorTimings? timings = null, bool qBridge = true, bool v1Only = false)
    {
        var broker = new Uri(RabbitMq);
        var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, broker.Port));
        var switchId = $"test-{Guid.NewGuid():N}"[..16];
        var scenario = new Scenario
        {
            Switch = await SnmpSwitch.StartAsync(qBridge, v1Only),
            Relay = relay,
            Events = await PortEvents.StartAsync(RabbitMq, switchId),
            SwitchId = switchId,
            TrapPort = SnmpSwitch.FreeUdpPort(),
            StateDirectory = Directory.CreateTempSubdirectory("pb-switchmonitor-").FullName,
            Timings = timings ?? new MonitorTimings(),
        };
        try
        {
            await scenario.StartMonitorAsync();
        }
        catch
        {
            await scenario.DisposeAsync(); // a failed start leaves no snmpd behind
            throw;
        }
        return scenario;
    }

    public string RelayUri => new UriBuilder(RabbitMq) { Port = Relay.Port }.Uri.ToString();

    /// <summary>Starts the monitor and waits for its first successful poll.</summary>
    public async Task StartMonitorAsync()
    {
        Monitor = new SwitchMonitorHost(SwitchId, Switch.Port, TrapPort, StateDirectory, RelayUri, Timings);
        await Monitor.WaitForStatusAsync(s => s.LastPollAt is not null, TimeSpan.FromSeconds(20));
    }

    public async Task StopMonitorAsync() => await Monitor.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await Monitor.DisposeAsync();
        await Events.DisposeAsync();
        await Relay.DisposeAsync();
        await Switch.DisposeAsync();
        try { Directory.Delete(StateDirectory, recursive: true); } catch (IOException) { }
    }
}
