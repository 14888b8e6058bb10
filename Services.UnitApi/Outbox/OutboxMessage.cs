namespace PrivateBox.Factory.Services.UnitApi.Outbox;

/// <summary>An event written in the same transaction as the change it announces, published later by <see cref="OutboxDispatcher"/>.</summary>
public class OutboxMessage
{
    public long Id { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}
