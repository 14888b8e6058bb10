using System.Text.Json;

namespace PrivateBox.Factory.Services.UnitApi.Outbox;

public static class OutboxMessages
{
    public static OutboxMessage Create<T>(T message, DateTimeOffset now) where T : class => new()
    {
        Type = typeof(T).FullName!,
        Payload = JsonSerializer.Serialize(message),
        CreatedAt = now,
    };
}
