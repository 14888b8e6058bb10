using System.Globalization;

namespace PrivateBox.Factory.Services.UnitApi.Metrics;

/// <summary>
/// An inclusive range of factory days, from ?from=yyyy-MM-dd&amp;to=yyyy-MM-dd (default: the last 14 days),
/// and the instants it spans.
/// </summary>
public readonly record struct MetricsRange(DateOnly From, DateOnly To, FactoryDays Days)
{
    public const int MaxDays = 366;

    public DateTimeOffset Start => Days.StartOf(From);
    public DateTimeOffset End => Days.StartOf(To.AddDays(1));

    public static bool TryParse(string? from, string? to, DateTimeOffset now, FactoryDays days, out MetricsRange range,
        out Dictionary<string, string[]> errors)
    {
        errors = [];
        var today = days.Today(now);
        var end = Parse(to, "to", today, errors);
        var start = Parse(from, "from", end.AddDays(-13), errors);
        if (errors.Count == 0 && start > end) errors["from"] = ["Must not be after 'to'."];
        if (errors.Count == 0 && end.DayNumber - start.DayNumber + 1 > MaxDays) errors["from"] = [$"At most {MaxDays} days at once."];
        range = new MetricsRange(start, end, days);
        return errors.Count == 0;
    }

    private static DateOnly Parse(string? text, string name, DateOnly fallback, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors[name] = ["A date as yyyy-MM-dd."];
        return fallback;
    }

    public override string ToString() => $"{From:yyyy-MM-dd}_{To:yyyy-MM-dd}";
}
