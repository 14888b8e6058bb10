namespace PrivateBox.Factory.Contracts;

/// <summary>A unit sent a final report (ready, failed, burn-in). Carries no secrets.</summary>
public record UnitReported
{
    public required string Mac { get; init; }
    public required Guid AttemptId { get; init; }
    public required string Status { get; init; }
    public IReadOnlyList<string> FailedTests { get; init; } = [];
    public string? IpAddress { get; init; }
    public required DateTimeOffset ReportedAt { get; init; }
}
