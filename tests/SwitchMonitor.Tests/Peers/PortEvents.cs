using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PrivateBox.Factory.SwitchMonitor.Tests.Peers;

/// <summary>
/// A consumer on the real RabbitMQ: its own queue bound to MassTransit's PortLinkedUp and PortLinkedDown exchanges,
/// keeping the events of one switch id.
/// </summary>
public sealed class PortEvents : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly Channel<(Guid MessageId, object Event)> _events = Channel.CreateUnbounded<(Guid, object)>();
    private IConnection _connection = null!;
    private IChannel _channel = null!;

    public required string SwitchId { get; init; }

    public static async Task<PortEvents> StartAsync(string uri, string switchId)
    {
        var events = new PortEvents { SwitchId = switchId };
        events._connection = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync();
        events._channel = await events._connection.CreateChannelAsync();
        var queue = await events._channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        foreach (var type in new[] { typeof(PortLinkedUp), typeof(PortLinkedDown) })
        {
            var exchange = $"{type.Namespace}:{type.Name}";
            await events._channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
            await events._channel.QueueBindAsync(queue.QueueName, exchange, "");
        }
        var consumer = new AsyncEventingBasicConsumer(events._channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var doc = JsonDocument.Parse(delivery.Body);
            var messageType = doc.RootElement.GetProperty("messageType")[0].GetString()!;
            var body = doc.RootElement.GetProperty("message");
            object e = messageType.EndsWith(":PortLinkedUp") ? body.Deserialize<PortLinkedUp>(Json)! : body.Deserialize<PortLinkedDown>(Json)!;
            var switchId = e is PortLinkedUp u ? u.SwitchId : ((PortLinkedDown)e).SwitchId;
            if (switchId == events.SwitchId) events._events.Writer.TryWrite((doc.RootElement.GetProperty("messageId").GetGuid(), e));
            return Task.CompletedTask;
        };
        await events._channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return events;
    }

    public async Task<T> NextAsync<T>(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            var (_, e) = await _events.Reader.ReadAsync(timeout.Token);
            return e is T t ? t : throw new Xunit.Sdk.XunitException($"Expected {typeof(T).Name}, got {e}");
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} within {within.TotalSeconds} s.");
        }
    }

    /// <summary>Fails if any event for the switch arrives within <paramref name="quiet"/>.</summary>
    public async Task AssertNoneAsync(TimeSpan quiet)
    {
        using var timeout = new CancellationTokenSource(quiet);
        try
        {
            var (_, e) = await _events.Reader.ReadAsync(timeout.Token);
            throw new Xunit.Sdk.XunitException($"Expected no event, got {e}");
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}
