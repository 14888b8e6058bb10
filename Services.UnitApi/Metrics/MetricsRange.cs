using System.Globalization;

namespace PrivateBox.Factory.Services.UnitApi.Metrics;

/// <summary>An inclusive range of UTC days, from ?from=yyyy-MM-dd&amp;to=yyyy-MM-dd (default: the last 14 days).</summary>
public readonly record struct MetricsRange(DateOnly From, DateOnly To)
{
    public const int MaxDays = 366;

    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    public DateTimeOffset End => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    public IEnumerable<DateOnly> Days => Enumerable.Range(0, To.DayNumber - From.DayNumber + 1).Select(From.AddDays);

    public static bool TryParse(string? from, string? to, DateTimeOffset now, out MetricsRange range, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var end = Parse(to, "to", today, errors);
        var start = Parse(from, "from", end.AddDays(-13), errors);
        if (errors.Count == 0 && start > end) errors["from"] = ["Must not be after 'to'."];
        if (errors.Count == 0 && end.DayNumber - start.DayNumber + 1 > MaxDays) errors["from"] = [$"At most {MaxDays} days at once."];
        range = new MetricsRange(start, end);
        return errors.Count == 0;
    }

    private static DateOnly Parse(string? text, string name, DateOnly fallback, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors[name] = ["A UTC date as yyyy-MM-dd."];
        return fallback;
    }

    public override string ToString() => $"{From:yyyy-MM-dd}_{To:yyyy-MM-dd}";
}
