namespace PrivateBox.Factory.Contracts;

/// <summary>A building unit sent no heartbeat within the stuck timeout and has no final report.</summary>
public record UnitBecameStuck
{
    public required string Mac { get; init; }
    public required Guid AttemptId { get; init; }
    public string? Stage { get; init; }
    public required DateTimeOffset LastHeartbeatAt { get; init; }
    public required DateTimeOffset DetectedAt { get; init; }
}
