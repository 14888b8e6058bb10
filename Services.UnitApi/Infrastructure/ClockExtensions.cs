namespace PrivateBox.Factory.Services.UnitApi.Infrastructure;

public static class ClockExtensions
{
    /// <summary>Now, at PostgreSQL's microsecond precision, so an answer built before a save equals one read back after.</summary>
    public static DateTimeOffset Now(this TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }
}
