namespace PrivateBox.Factory.Contracts;

/// <summary>The operator said a label did not print right; the unit keeps its credentials for a reprint.</summary>
public record LabelReprinted
{
    public required string Mac { get; init; }
    public string? Serial { get; init; }

    /// <summary><c>jam</c>, <c>blank</c>, <c>smudged</c> or <c>other</c>.</summary>
    public required string Reason { get; init; }
    public required string StationId { get; init; }
    public required DateTimeOffset At { get; init; }
}
