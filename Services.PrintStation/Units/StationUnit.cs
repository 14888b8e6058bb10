namespace PrivateBox.Factory.Services.PrintStation.Units;

/// <summary>
/// A unit as the gateway shows it to a station, passwords included. It lives only for one labeling flow;
/// ToString never shows the passwords.
/// </summary>
public sealed record StationUnit
{
    public required string Mac { get; init; }
    /// <summary>The build whose label is printed; the purge names it, so a unit rebuilt meanwhile is not labeled by mistake.</summary>
    public Guid? AttemptId { get; init; }
    public required string Status { get; init; }
    public string? Stage { get; init; }
    public string? Serial { get; init; }
    public IReadOnlyDictionary<string, string>? TestResults { get; init; }
    public IReadOnlyList<string> FailedTests { get; init; } = [];
    public DateTimeOffset? StuckAt { get; init; }
    public DateTimeOffset? LabeledAt { get; init; }
    public bool HasCredentials { get; init; }
    public string? AdminPassword { get; init; }
    public string? ServicesPassword { get; init; }

    public override string ToString() =>
        $"StationUnit {{ Mac = {Mac}, Status = {Status}, Serial = {Serial}, HasCredentials = {HasCredentials}, Passwords = [redacted] }}";
}
