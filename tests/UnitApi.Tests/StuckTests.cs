using Microsoft.Extensions.DependencyInjection;
using System.Text;
using System.Threading.Channels;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>Moves the fixture's clock past the stuck timeout, so it has a fixture of its own.</summary>
public class StuckTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    [Fact]
    public async Task Silent_building_unit_becomes_stuck_publishes_an_event_and_returns_on_heartbeat()
    {
        await using var events = await ExchangeSpy.BindAsync("PrivateBox.Factory.Contracts:UnitBecameStuck");
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac, "Phase 4: management VM"));

        api.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(2));
        var stuck = await WaitForStatus(mac, "stuck");

        Assert.Equal("stuck", stuck);
        var message = await events.WaitForAsync(body => body.Contains(mac), TimeSpan.FromSeconds(20));
        Assert.Contains("Phase 4: management VM", message);

        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac, "Phase 5"));
        Assert.Equal("building", (await (await api.Client().GetAsync($"/api/units/{mac}")).Json()).GetProperty("status").GetString());
        Assert.Equal(["building", "stuck", "building"], await Transitions(mac));
    }

    [Fact]
    public async Task Unit_with_a_recent_heartbeat_is_not_stuck()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));
        api.Clock.Advance(TimeSpan.FromMinutes(4));
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));

        api.Clock.Advance(TimeSpan.FromMinutes(4));
        await api.Services.GetRequiredService<PrivateBox.Factory.Services.UnitApi.Stuck.StuckDetector>().MarkStuckAsync(default);

        Assert.Equal("building", (await (await api.Client().GetAsync($"/api/units/{mac}")).Json()).GetProperty("status").GetString());
    }

    private async Task<string?> WaitForStatus(string mac, string status)
    {
        string? current = null;
        for (var i = 0; i < 100 && current != status; i++)
        {
            current = (await (await api.Client().GetAsync($"/api/units/{mac}")).Json()).GetProperty("status").GetString();
            if (current != status) await Task.Delay(100);
        }
        return current;
    }

    private async Task<string[]> Transitions(string mac)
    {
        await using var db = new NpgsqlConnection(api.ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT e.to_status FROM attempt_events e JOIN build_attempts a ON a.id = e.attempt_id WHERE a.unit_mac = @m ORDER BY e.id", db);
        command.Parameters.AddWithValue("m", mac);
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add(reader.GetString(0));
        return [.. result];
    }
}

/// <summary>A temporary queue bound to a MassTransit message-type exchange on the test RabbitMQ.</summary>
public sealed class ExchangeSpy : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();

    private ExchangeSpy(IConnection connection, IChannel channel) => (_connection, _channel) = (connection, channel);

    public static async Task<ExchangeSpy> BindAsync(string exchange)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(TestServers.RabbitMq) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        // Same shape MassTransit declares: durable fanout.
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync(exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, exchange, "");
        var spy = new ExchangeSpy(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) => await spy._messages.Writer.WriteAsync(Encoding.UTF8.GetString(delivery.Body.Span));
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return spy;
    }

    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var message = await _messages.Reader.ReadAsync(cts.Token);
            if (match(message)) return message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

/// <summary>The Unit API with its background stuck check out of the way (once a day), so a test runs the checks itself.</summary>
public sealed class ManualStuckCheckFactory : UnitApiFactory
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("UnitApi:StuckCheckInterval", "1.00:00:00");
    }
}

public class StuckAfterOutageTests(ManualStuckCheckFactory api) : IClassFixture<ManualStuckCheckFactory>
{
    [Fact]
    public async Task After_the_server_was_away_no_unit_is_marked_stuck_until_it_has_listened_for_the_grace()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));
        api.Clock.Advance(TimeSpan.FromMinutes(10)); // the server was down: the unit's heartbeats went nowhere
        var restarted = ActivatorUtilities.CreateInstance<PrivateBox.Factory.Services.UnitApi.Stuck.StuckDetector>(api.Services);

        var atStart = await restarted.CheckAsync(default);
        api.Clock.Advance(TimeSpan.FromMinutes(1.5)); // StuckGrace is 2 min
        var withinGrace = await restarted.CheckAsync(default);
        var statusWithinGrace = await StatusAsync(mac);
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        var afterGrace = await restarted.CheckAsync(default);

        Assert.Equal(0, atStart);
        Assert.Equal(0, withinGrace);
        Assert.Equal("building", statusWithinGrace);
        Assert.True(afterGrace >= 1); // this unit, and any other test's left silent on the fixture's clock
        Assert.Equal("stuck", await StatusAsync(mac));
    }

    [Fact]
    public async Task A_server_clock_stepped_forward_marks_no_unit_stuck()
    {
        var mac = TestUnits.NewMac();
        var clock = new SteppingClock(api.Clock);
        var detector = ActivatorUtilities.CreateInstance<PrivateBox.Factory.Services.UnitApi.Stuck.StuckDetector>(api.Services, (TimeProvider)clock);
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));
        await detector.CheckAsync(default);
        api.Clock.Advance(TimeSpan.FromMinutes(3)); // past the grace; the unit heartbeats on
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));
        Assert.Equal(0, await detector.CheckAsync(default));

        clock.Step = TimeSpan.FromMinutes(10); // NTP catches up, or somebody sets the time
        var afterStep = await detector.CheckAsync(default);

        Assert.Equal(0, afterStep);
        Assert.Equal("building", await StatusAsync(mac));
    }

    /// <summary>The fixture's clock, with the wall clock stepped by <see cref="Step"/> while the monotonic one runs on.</summary>
    private sealed class SteppingClock(Microsoft.Extensions.Time.Testing.FakeTimeProvider inner) : TimeProvider
    {
        public TimeSpan Step { get; set; }
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Step;
        public override long GetTimestamp() => inner.GetTimestamp();
        public override long TimestampFrequency => inner.TimestampFrequency;
    }

    private async Task<string?> StatusAsync(string mac) =>
        (await (await api.Client().GetAsync($"/api/units/{mac}")).Json()).GetProperty("status").GetString();
}
