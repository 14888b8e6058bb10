using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using PrivateBox.Factory.Services.PrintStation.Station;

namespace PrivateBox.Factory.PrintStation.Tests;

/// <summary>The station's wiring with MassTransit's in-memory test harness in place of RabbitMQ.</summary>
public sealed class ConsumerTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("print-consumer-").FullName;
    private StationHost _host = null!;
    private ITestHarness _harness = null!;
    private LabelStation _station = null!;

    public Task InitializeAsync()
    {
        _host = new StationHost(new Dictionary<string, string?>
        {
            // Nothing listens on the discard port: lookups fail fast and the flow waits for the operator.
            ["PrintStation:GatewayUrl"] = "http://127.0.0.1:9",
            ["PrintStation:Printer:Kind"] = "Folder",
            ["PrintStation:Printer:Folder"] = _folder,
        }, services => services.AddMassTransitTestHarness());
        _harness = _host.Services.GetTestHarness();
        _station = _host.Services.GetRequiredService<LabelStation>();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Arrival_on_the_label_port_starts_a_flow()
    {
        await _harness.Bus.Publish(Arrival(PortRole.Label, "02:00:00:00:00:01"));

        Assert.True(await Consumed(_harness));
        var view = _station.View();
        Assert.NotEqual(Phases.Idle, view.Phase);
        Assert.Equal("02:00:00:00:00:01", view.Mac);
    }

    [Fact]
    public async Task Arrivals_on_other_ports_are_ignored()
    {
        foreach (var role in new[] { PortRole.Build, PortRole.Debug, PortRole.Uplink, PortRole.Server })
        {
            await _harness.Bus.Publish(Arrival(role, "02:00:00:00:00:02"));
            Assert.True(await Consumed(_harness, m => m.Role == role));
        }

        Assert.Equal(Phases.Idle, _station.View().Phase);
        Assert.Empty(_station.View().Queue);
    }

    [Fact]
    public async Task Same_event_twice_does_one_thing_and_a_second_unit_waits_in_the_queue()
    {
        foreach (var mac in new[] { "02-00-00-00-00-03", "02:00:00:00:00:03", "0200.0000.0004" })
            await _harness.Bus.Publish(Arrival(PortRole.Label, mac));

        await Eventually(() => _harness.Consumed.Select<PortLinkedUp>().Count() >= 3);
        Assert.Equal(3, _harness.Consumed.Select<PortLinkedUp>().Count());

        var view = _station.View();
        Assert.Equal("02:00:00:00:00:03", view.Mac);
        Assert.Equal(["02:00:00:00:00:04"], Assert.Single(view.Queue).Macs);
    }

    [Fact]
    public async Task Arrivals_from_another_switch_are_ignored_when_the_station_names_its_switch()
    {
        await using var host = new StationHost(new Dictionary<string, string?>
        {
            ["PrintStation:SwitchId"] = "line-2",
            ["PrintStation:GatewayUrl"] = "http://127.0.0.1:9",
            ["PrintStation:Printer:Folder"] = _folder,
        }, services => services.AddMassTransitTestHarness());
        var harness = host.Services.GetTestHarness();
        var station = host.Services.GetRequiredService<LabelStation>();

        await harness.Bus.Publish(Arrival(PortRole.Label, "02:00:00:00:00:05"));
        Assert.True(await Consumed(harness));
        Assert.Equal(Phases.Idle, station.View().Phase);

        await harness.Bus.Publish(Arrival(PortRole.Label, "02:00:00:00:00:06") with { SwitchId = "line-2" });
        Assert.True(await Consumed(harness, m => m.SwitchId == "line-2"));
        Assert.Equal("02:00:00:00:00:06", station.View().Mac);
    }

    [Fact]
    public async Task A_station_that_names_its_port_takes_only_that_ports_units()
    {
        await using var host = new StationHost(new Dictionary<string, string?>
        {
            ["PrintStation:Port"] = "19",
            ["PrintStation:GatewayUrl"] = "http://127.0.0.1:9",
            ["PrintStation:Printer:Folder"] = _folder,
        }, services => services.AddMassTransitTestHarness());
        var harness = host.Services.GetTestHarness();
        var station = host.Services.GetRequiredService<LabelStation>();

        await harness.Bus.Publish(Arrival(PortRole.Label, "02:00:00:00:00:07")); // port 21: the other station's
        Assert.True(await Consumed(harness));
        Assert.Equal(Phases.Idle, station.View().Phase);

        await harness.Bus.Publish(Arrival(PortRole.Label, "02:00:00:00:00:08") with { Port = 19 });
        Assert.True(await Consumed(harness, m => m.Port == 19));
        Assert.Equal("02:00:00:00:00:08", station.View().Mac);
    }

    [Fact]
    public async Task Printer_state_is_published_at_start()
    {
        Assert.True(await Eventually(() => _harness.Published.Select<PrinterStatusChanged>().Any(m => m.Context.Message.State == "ready")));
    }

    // The harness's own Any() answers false at once when the bus has been idle for 1.2 s, as it may be by the
    // time a test starts on a busy machine; these wait for the message itself, up to 10 s.
    private static Task<bool> Consumed(ITestHarness harness, Func<PortLinkedUp, bool>? match = null) =>
        Eventually(() => harness.Consumed.Select<PortLinkedUp>().Any(m => match?.Invoke(m.Context.Message) ?? true));

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (condition()) return true;
            await Task.Delay(50);
        }
        return false;
    }

    private static PortLinkedUp Arrival(PortRole role, string mac) => new()
    {
        SwitchId = "procurve", Port = role == PortRole.Label ? 21 : 3, IfIndex = 21, Role = role, Macs = [mac],
        DetectedAt = DateTimeOffset.UtcNow, Source = DetectionSource.Trap,
    };

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
