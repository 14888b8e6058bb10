using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PrivateBox.Factory.Contracts;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PrivateBox.Factory.AppHost.Tests;

/// <summary>
/// What an engineer finds in the Aspire dashboard of `./factory.sh run`: every resource healthy, a request and a port
/// event each as one trace across the services, and background work that does not bury them. Screenshots go to
/// TestResults/aspire-dashboard.
/// </summary>
[Collection("aspire dashboard")]
public sealed partial class AspireDashboardTests(RunningSuite suite, ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Resources = [ResourceNames.Postgres, ResourceNames.Messaging, ResourceNames.UnitApi, ResourceNames.Cdn,
        ResourceNames.SwitchMonitor, "switchsimulator", ResourceNames.DebugCollector, ResourceNames.Gateway, ResourceNames.PrintStation];
    private static Task? s_healthy;
    private readonly HttpClient _gateway = new() { BaseAddress = new(RunningSuite.Gateway), DefaultRequestHeaders = { Authorization = new("Bearer", "dev-factory-token") } };

    private IPage Page => suite.Page;

    [Fact]
    public async Task Every_resource_is_running_and_healthy_on_the_resources_page()
    {
        await HealthyAsync();

        await Page.GotoAsync(RunningSuite.Dashboard);
        await Expect(Page.GetByText("Showing 9 resources")).ToBeVisibleAsync();
        await suite.ScreenshotAsync("resources.png");
    }

    [Fact]
    public async Task A_heartbeat_through_the_gateway_is_one_trace_through_the_gateway_the_unit_api_and_postgres()
    {
        await HealthyAsync();
        var traceId = ActivityTraceId.CreateRandom().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat") { Content = JsonContent.Create(Heartbeat("02-AB-CD-EF-02-50")) };
        // A sampled trace id of the caller's, so the test can find this very trace.
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        (await _gateway.SendAsync(request)).EnsureSuccessStatusCode();

        var trace = await TraceAsync("heartbeat", $"Trace Id: {traceId}", "gateway", "unitapi", "postgres");
        await Expect(Span("gateway")).ToContainTextAsync("POST /api/heartbeat");
        await Expect(Span("unitapi")).ToContainTextAsync("POST /api/heartbeat");
        await Expect(Page.GetByRole(AriaRole.Row).Filter(new() { HasTextRegex = PostgresPeer() }).First).ToBeVisibleAsync();
        Assert.Equal(traceId, trace);
        await suite.ScreenshotAsync("heartbeat-trace.png");
    }

    [Fact]
    public async Task A_MAC_plugged_into_the_label_port_is_one_trace_from_the_switch_monitor_to_the_print_station()
    {
        await HealthyAsync();
        using var simulator = new HttpClient { BaseAddress = new(RunningSuite.SimulatorControl) };

        (await simulator.PostAsync("/ports/21/plug?mac=02-AB-CD-EF-21-21", null)).EnsureSuccessStatusCode();

        await TraceAsync("PortLinkedUp", "PortLinkedUp", "switchmonitor", "printstation", "gateway", "unitapi", "debugcollector");
        await Expect(Span("switchmonitor")).ToContainTextAsync("PortLinkedUp");
        foreach (var resource in new[] { "printstation", "gateway", "unitapi", "debugcollector" })
            await Expect(Span(resource)).ToBeVisibleAsync();
        await suite.ScreenshotAsync("port-linked-up-trace.png");
    }

    [Fact]
    public async Task A_minute_of_light_traffic_records_fewer_background_traces_than_requests()
    {
        await HealthyAsync();
        const int requests = 12;
        var before = await TraceCountAsync(0);

        for (var i = 0; i < requests; i++)
        {
            (await _gateway.PostAsJsonAsync("/api/heartbeat", Heartbeat($"02-AB-CD-EF-03-{i:D2}"))).EnsureSuccessStatusCode();
            await Task.Delay(TimeSpan.FromSeconds(5)); // a quiet line: one heartbeat every 5 s
        }

        var after = await TraceCountAsync(before + requests);
        var background = after - before - requests;
        output.WriteLine($"In {requests * 5} s: {requests} requests, {background} other traces ({before} -> {after} traces)");
        await suite.ScreenshotAsync("traces-after-a-minute.png");
        Assert.True(background < requests, $"{background} background traces beside {requests} requests");
    }

    /// <summary>Waits on the Resources page until every resource is Running and its details say Healthy.</summary>
    private Task HealthyAsync() => s_healthy ??= CheckHealthyAsync();

    private async Task CheckHealthyAsync()
    {
        await Page.GotoAsync(RunningSuite.Dashboard);
        foreach (var name in Resources)
        {
            var nameCell = Page.Locator("td[role=gridcell]", new() { Has = Page.Locator(".resource-name-text", new() { HasTextRegex = new($"^{name}$") }) });
            var row = Page.GetByRole(AriaRole.Row).Filter(new() { Has = nameCell });
            await Expect(row.Locator("td[role=gridcell][aria-label='Running']")).ToBeVisibleAsync();
            await nameCell.ClickAsync();
            // The details pane: "Project: unitapi", then its properties, "Health state" among them.
            await Expect(Page.GetByText((await nameCell.GetAttributeAsync("aria-label"))!, new() { Exact = true }).First).ToBeVisibleAsync();
            await Expect(Page.GetByRole(AriaRole.Row, new() { Name = "Health state" }).First).ToContainTextAsync(HealthyWord());
        }
    }

    /// <summary>
    /// Waits on the Traces page, filtered by name with <paramref name="search"/>, for a trace whose name cell
    /// (name and trace id) contains <paramref name="label"/> and which has spans of every resource named; opens it
    /// and returns its trace id.
    /// </summary>
    private async Task<string> TraceAsync(string search, string label, params string[] resources)
    {
        await Page.GotoAsync($"{RunningSuite.Dashboard}/traces");
        await Page.Locator("input[name=traces-search]").FillAsync(search);
        var rows = Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.Locator($"td[role=gridcell][aria-label*='{label}']") });
        foreach (var resource in resources)
            rows = rows.Filter(new() { Has = Page.Locator(".trace-service-tag", new() { HasText = $"{resource} (" }) });
        var name = rows.First.Locator("td[role=gridcell][aria-label^='Name: ']");
        await Expect(name).ToBeAttachedAsync();
        var traceId = TraceIdLabel().Match((await name.GetAttributeAsync("aria-label"))!).Groups[1].Value;
        await Page.GotoAsync($"{RunningSuite.Dashboard}/traces/detail/{traceId}");
        return traceId;
    }

    // A span row of the trace detail page: its name cell is labelled "resource: span name".
    private ILocator Span(string resource) => Page.Locator($"td[role=gridcell][aria-label^='{resource}: ']").First;

    /// <summary>The Traces page's "Showing N traces", once it reaches <paramref name="atLeast"/> (spans arrive in batches).</summary>
    private async Task<int> TraceCountAsync(int atLeast)
    {
        for (var attempt = 0; ; attempt++)
        {
            await Page.GotoAsync($"{RunningSuite.Dashboard}/traces");
            var shown = Page.GetByText(ShowingTraces());
            await Expect(shown).ToBeVisibleAsync();
            var count = int.Parse(Regex.Replace(await shown.InnerTextAsync(), @"\D", ""));
            if (count >= atLeast || attempt == 30) return count;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    public void Dispose() => _gateway.Dispose();

    private static object Heartbeat(string mac) => new { mac_wan = mac, status = "building", stage = "Phase 1", timestamp = DateTimeOffset.UtcNow };

    [GeneratedRegex(@"\bHealthy\b")]
    private static partial Regex HealthyWord();

    // The dashboard names the database a span called as a peer resource: "postgresql postgres".
    [GeneratedRegex(@"\bpostgres\b")]
    private static partial Regex PostgresPeer();

    [GeneratedRegex(@"Trace Id: (\w+)")]
    private static partial Regex TraceIdLabel();

    [GeneratedRegex(@"^Showing [\d,. ]+ traces?$")]
    private static partial Regex ShowingTraces();
}
