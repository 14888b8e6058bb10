namespace PrivateBox.Factory.Contracts;

/// <summary>A switch port is up and has learned at least one MAC it did not have before.</summary>
public record PortLinkedUp
{
    public required string SwitchId { get; init; }
    public required int Port { get; init; }
    public required int IfIndex { get; init; }
    public required PortRole Role { get; init; }
    public required IReadOnlyList<string> Macs { get; init; }
    public required DateTimeOffset DetectedAt { get; init; }
    public required DetectionSource Source { get; init; }
}
