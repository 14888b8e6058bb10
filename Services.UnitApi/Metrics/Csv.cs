using System.Globalization;
using System.Text;

namespace PrivateBox.Factory.Services.UnitApi.Metrics;

/// <summary>RFC 4180 CSV; a cell a spreadsheet would run as a formula (=, +, -, @ from a unit's test names) is quoted with a leading '.</summary>
public static class Csv
{
    public static string Write(IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows)
    {
        var text = new StringBuilder();
        Line(text, header);
        foreach (var row in rows) Line(text, row);
        return text.ToString();
    }

    private static void Line(StringBuilder text, IEnumerable<object?> cells)
    {
        text.AppendJoin(',', cells.Select(Cell));
        text.Append("\r\n");
    }

    private static string Cell(object? value)
    {
        var s = value switch
        {
            null => "",
            DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (value is string && s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r') s = "'" + s;
        return s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }
}
