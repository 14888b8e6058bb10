namespace PrivateBox.Factory.Services.UnitApi;

/// <summary>Settings of the Unit API, section "UnitApi".</summary>
public sealed class UnitApiOptions
{
    public const string Section = "UnitApi";

    /// <summary>A building unit with no heartbeat for this long becomes stuck.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the stuck detector looks; the stuck mark lands within this of the deadline.</summary>
    public TimeSpan StuckCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After this service starts, and after the database was out of reach, no unit is marked stuck until the database
    /// has answered for this long: two heartbeats of a unit (every 60 s) whose earlier ones the outage swallowed.
    /// </summary>
    public TimeSpan StuckGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Heartbeats within this time after a final report are stragglers of the finished build and change nothing;
    /// later ones mean the unit was reformatted and is building again.
    /// </summary>
    public TimeSpan RebuildGrace { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// A heartbeat or report not answered within this (a hung or overloaded database) gets 503 with Retry-After, so a
    /// unit can tell a busy server from a gone one. Read at start.
    /// </summary>
    public TimeSpan DatabaseDeadline { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Requests a client (by IP) may make per window on the unit endpoints; 0 switches the limit off.</summary>
    public int RateLimitPermits { get; set; } = 120;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The factory's time zone (IANA name, e.g. Europe/Berlin): metrics count its days. Default: the server's.</summary>
    public string? TimeZone { get; set; }
}
