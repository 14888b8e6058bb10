using System.Diagnostics;
using System.Net.Http.Json;

namespace PrivateBox.Factory.PrintStation.Tests;

/// <summary>
/// From PortLinkedUp published to the prompt visible in the kiosk, against a baseline in the same run: the
/// kiosk's own answer round trip (button → station → server-sent event → screen), which has no broker and no
/// lookup. bench/label.sh runs this with 50 arrivals and writes the figures; the test run uses a few.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class ArrivalLatencyTests(SuiteFixture suite)
{
    [Fact]
    public async Task Every_arrival_shows_its_prompt_and_the_figures_are_written()
    {
        var arrivals = int.TryParse(Environment.GetEnvironmentVariable("FACTORY_BENCH_ARRIVALS"), out var n) ? n : 5;
        var toPrompt = new List<double>();
        var baseline = new List<double>();
        for (var i = 0; i < arrivals; i++)
        {
            var (mac, serial) = await ReportReady();
            var clock = Stopwatch.StartNew();
            await suite.PlugIn(mac);
            await suite.Page.WaitForFunctionAsync("s => document.getElementById('prompt').textContent === s", $"Print label for unit {serial}?");
            toPrompt.Add(clock.Elapsed.TotalMilliseconds);

            clock.Restart();
            await suite.Page.Keyboard.PressAsync("n");
            await suite.Page.WaitForFunctionAsync("() => document.getElementById('last').textContent.includes('Not printed')");
            baseline.Add(clock.Elapsed.TotalMilliseconds);
        }

        var report = $"""
            label arrival → kiosk prompt, {arrivals} arrivals (PortLinkedUp over RabbitMQ, lookup through the gateway, SSE to Chromium)
              p50 {Percentile(toPrompt, 50):0.0} ms   p95 {Percentile(toPrompt, 95):0.0} ms   max {toPrompt.Max():0.0} ms
            baseline: kiosk answer → screen (no broker, no lookup)
              p50 {Percentile(baseline, 50):0.0} ms   p95 {Percentile(baseline, 95):0.0} ms
            ratio p50 {Percentile(toPrompt, 50) / Percentile(baseline, 50):0.0}x   target p95 < 1000 ms: {(Percentile(toPrompt, 95) < 1000 ? "met" : "NOT met")}
            """;
        var output = Environment.GetEnvironmentVariable("FACTORY_BENCH_OUTPUT");
        if (!string.IsNullOrEmpty(output)) await File.WriteAllTextAsync(output, report + "\n");
        Console.WriteLine(report);
        Assert.Equal(arrivals, toPrompt.Count);
    }

    private async Task<(string Mac, string Serial)> ReportReady()
    {
        var bytes = Guid.NewGuid().ToByteArray()[..6];
        bytes[0] = (byte)((bytes[0] & 0xFC) | 0x02);
        var mac = string.Join(':', bytes.Select(b => b.ToString("x2")));
        var serial = Guid.NewGuid().ToString();
        (await suite.UnitClient().PostAsJsonAsync("/api/units", new Dictionary<string, object>
        {
            ["mac_wan"] = mac, ["status"] = "ready", ["serial"] = serial,
            ["admin_password"] = "bench-admin-password-words", ["services_password"] = "Zq8*Lm2+Xr7=Pw4@Hk9nTb3c",
            ["build_time"] = DateTimeOffset.UtcNow.ToString("O"), ["build_duration_seconds"] = 1000,
            ["test_results"] = new Dictionary<string, string> { ["adguard"] = "pass" },
        })).EnsureSuccessStatusCode();
        return (mac, serial);
    }

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
