using PrivateBox.Factory.Services.UnitApi.Metrics;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>Factory days follow the zone's clocks, daylight saving time included.</summary>
public class FactoryDaysTests
{
    [Fact]
    public void The_day_the_clocks_spring_forward_is_23_hours_long()
    {
        var berlin = new FactoryDays(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));

        Assert.Equal(new DateTimeOffset(2025, 3, 29, 23, 0, 0, TimeSpan.Zero), berlin.StartOf(new DateOnly(2025, 3, 30)));
        Assert.Equal(new DateTimeOffset(2025, 3, 30, 22, 0, 0, TimeSpan.Zero), berlin.StartOf(new DateOnly(2025, 3, 31)));
        Assert.Equal(new DateOnly(2025, 3, 31), berlin.Today(new DateTimeOffset(2025, 3, 30, 22, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Where_the_clocks_skip_midnight_the_day_starts_at_the_first_minute_that_exists()
    {
        // Chile moves from UTC-4 to UTC-3 at 00:00 on the first Sunday of September: 00:00-00:59 does not exist.
        var santiago = new FactoryDays(TimeZoneInfo.FindSystemTimeZoneById("America/Santiago"));

        Assert.Equal(new DateTimeOffset(2025, 9, 7, 4, 0, 0, TimeSpan.Zero), santiago.StartOf(new DateOnly(2025, 9, 7)));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("Europe/Berlin", true)]
    [InlineData("UTC", true)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData("W. Europe Standard Time", false)]
    public void Only_IANA_zone_names_are_accepted(string? name, bool known) => Assert.Equal(known, FactoryDays.IsKnown(name));
}
