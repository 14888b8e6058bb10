namespace PrivateBox.Factory.Services.UnitApi.Metrics;

/// <summary>
/// Days as the floor lives them: midnight to midnight in the factory's time zone ("UnitApi:TimeZone", an IANA
/// name such as Europe/Berlin; by default the server's own zone). Metrics count per such day, and the range
/// boundaries follow daylight saving time.
/// </summary>
public sealed class FactoryDays(TimeZoneInfo zone)
{
    public TimeZoneInfo Zone => zone;

    /// <summary>The zone named in configuration, else the server's if it has an IANA name, else UTC.</summary>
    public static FactoryDays From(string? configured, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return new FactoryDays(TimeZoneInfo.FindSystemTimeZoneById(configured));
        if (TimeZoneInfo.TryFindSystemTimeZoneById(TimeZoneInfo.Local.Id, out var local) && local.HasIanaId) return new FactoryDays(local);
        logger.LogWarning("The server's time zone has no IANA name; metrics count UTC days. Set UnitApi:TimeZone (e.g. Europe/Berlin).");
        return new FactoryDays(TimeZoneInfo.Utc);
    }

    public static bool IsKnown(string? name) =>
        string.IsNullOrWhiteSpace(name) || (TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) && zone.HasIanaId);

    public DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(Local(now));

    public DateTime Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, zone).DateTime;

    /// <summary>The instant the day begins; where the clocks skip midnight, the first minute that exists.</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
