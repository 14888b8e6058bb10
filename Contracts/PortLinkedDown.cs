namespace PrivateBox.Factory.Contracts;

public record PortLinkedDown
{
    public required string SwitchId { get; init; }
    public required int Port { get; init; }
    public required int IfIndex { get; init; }
    public required PortRole Role { get; init; }
    public required DateTimeOffset DetectedAt { get; init; }
}
