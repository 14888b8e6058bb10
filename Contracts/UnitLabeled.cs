namespace PrivateBox.Factory.Contracts;

/// <summary>The unit's label was confirmed printed and its credentials purged.</summary>
public record UnitLabeled
{
    public required string Mac { get; init; }
    public required Guid AttemptId { get; init; }
    public string? Serial { get; init; }
    public required DateTimeOffset LabeledAt { get; init; }
}
