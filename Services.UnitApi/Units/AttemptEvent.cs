namespace PrivateBox.Factory.Services.UnitApi.Units;

/// <summary>A status change of a build attempt (started, stuck, back to building, reported, labeled), kept for history.</summary>
public class AttemptEvent
{
    public long Id { get; set; }
    public Guid AttemptId { get; set; }
    public DateTimeOffset At { get; set; }
    public string? FromStatus { get; set; }
    public required string ToStatus { get; set; }
    public string? Reason { get; set; }
}
