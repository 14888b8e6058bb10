using System.Globalization;
using System.Text;
using static System.Net.WebUtility;

namespace PrivateBox.Factory.Services.UnitApi.Metrics;

/// <summary>A bar in a chart: its label, one or more stacked segments (value, CSS class), and a tooltip.</summary>
public record Bar(string Label, IReadOnlyList<(double Value, string Class)> Segments, string Title);

/// <summary>Bar charts drawn by the server as inline SVG (no script, styled by the page's stylesheet).</summary>
public static class SvgChart
{
    public static string Bars(string caption, IReadOnlyList<Bar> bars, double? max = null, IReadOnlyList<double>? line = null)
    {
        const int width = 900, height = 260, left = 40, bottom = 40, top = 10;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<figure><figcaption>{HtmlEncode(caption)}</figcaption><svg viewBox="0 0 {width} {height}" role="img" aria-label="{HtmlEncode(caption)}">""");
        if (bars.Count == 0)
            return svg.Append("""<text x="450" y="130" text-anchor="middle" class="axis">no data</text></svg></figure>""").ToString();

        var top_ = max ?? Math.Max(1, bars.Max(b => b.Segments.Sum(s => s.Value)));
        double plot = height - bottom - top, step = (width - left) / (double)bars.Count, barWidth = Math.Max(2, step * 0.7);
        svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" class="axis-line"/>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{left - 4}" y="{top + 10}" text-anchor="end" class="axis">{Format(top_)}</text>""");
        var labelEvery = Math.Max(1, (int)Math.Ceiling(bars.Count / 15.0));
        for (var i = 0; i < bars.Count; i++)
        {
            var x = left + i * step + (step - barWidth) / 2;
            var y = (double)(height - bottom);
            svg.Append("<g><title>").Append(HtmlEncode(bars[i].Title)).Append("</title>");
            foreach (var (value, cls) in bars[i].Segments)
            {
                var h = value / top_ * plot;
                y -= h;
                svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{x:0.#}" y="{y:0.#}" width="{barWidth:0.#}" height="{h:0.#}" class="{cls}"/>""");
            }
            svg.Append("</g>");
            if (i % labelEvery == 0)
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{x + barWidth / 2:0.#}" y="{height - bottom + 16}" text-anchor="middle" class="axis">{HtmlEncode(bars[i].Label)}</text>""");
        }
        if (line is { Count: > 0 })
        {
            var points = string.Join(' ', line.Select((v, i) => FormattableString.Invariant($"{left + i * step + step / 2:0.#},{height - bottom - v * plot:0.#}")));
            svg.Append(CultureInfo.InvariantCulture, $"""<polyline points="{points}" class="cumulative"/>""");
        }
        return svg.Append("</svg></figure>").ToString();
    }

    private static string Format(double v) => v.ToString(v >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture);
}
