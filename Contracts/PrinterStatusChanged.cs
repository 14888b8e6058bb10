namespace PrivateBox.Factory.Contracts;

/// <summary>A label station checked its printer. Published on every check whose result differs from the last, and at start.</summary>
public record PrinterStatusChanged
{
    public required string StationId { get; init; }

    /// <summary><c>ready</c>, <c>paper-out</c>, <c>head-open</c>, <c>paused</c>, <c>unreachable</c> or <c>error</c>.</summary>
    public required string State { get; init; }
    public string? Detail { get; init; }
    public required DateTimeOffset CheckedAt { get; init; }
}
