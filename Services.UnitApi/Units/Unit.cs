namespace PrivateBox.Factory.Services.UnitApi.Units;

/// <summary>A physical unit, keyed by its WAN MAC; every build of it is a <see cref="BuildAttempt"/>.</summary>
public class Unit
{
    public required string Mac { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public Guid? CurrentAttemptId { get; set; }
    /// <summary>Every MAC the unit reported (its WAN MAC included), so a port event for any of them finds it.</summary>
    public List<string> Macs { get; set; } = [];

    public BuildAttempt? CurrentAttempt { get; set; }
}
