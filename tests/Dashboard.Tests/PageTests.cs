using Microsoft.Playwright;
using PrivateBox.Factory.Contracts;

namespace PrivateBox.Factory.Dashboard.Tests;

/// <summary>Headless Chromium (the Debian package) against the running Unit API; screenshots go to TestResults/dashboard.</summary>
public sealed class BrowserFixture : DashboardApi
{
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Line.SwitchStatus = LineServices.Switch("Healthy", DateTimeOffset.UtcNow);
        Line.CdnStatus = LineServices.Cdn(false, ("images/proxmox.iso", "ok"), ("templates/opnsense.xml", "missing"));
        await base.InitializeAsync();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("FACTORY_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });
    }

    public async Task<(IPage Page, List<string> Requests)> OpenAsync(int width, int height)
    {
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var requests = new List<string>();
        page.Request += (_, request) => { lock (requests) requests.Add(request.Url); };
        await page.GotoAsync(BaseUrl);
        return (page, requests);
    }

    public static string Screenshot(string name)
    {
        // ./factory.sh test collects results in the repository's TestResults folder.
        var dir = Path.Combine(Environment.GetEnvironmentVariable("FACTORY_TEST_RESULTS") ?? Path.Combine(TestServers.RepoRoot, "TestResults"), "dashboard");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    public new async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await base.DisposeAsync();
    }
}

[Collection("broker")]
public class PageTests(BrowserFixture suite) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Grid_counts_and_live_updates_show_without_reload_and_nothing_leaves_the_suite()
    {
        string a = DashboardApi.NewMac(), b = DashboardApi.NewMac(), c = DashboardApi.NewMac(), d = DashboardApi.NewMac(), vm = DashboardApi.NewMac();
        await suite.HeartbeatAsync(a, "Phase 2: OPNsense VM", vm);
        await suite.HeartbeatAsync(b, "Phase 4: self-test");
        await suite.HeartbeatAsync(c, "Phase 4: self-test");
        await suite.HeartbeatAsync(d, "Phase 1: installer");
        await suite.LinkUpAsync(3, DateTimeOffset.UtcNow, 1, vm);
        await suite.LinkUpAsync(7, DateTimeOffset.UtcNow, 1, b);
        await suite.LinkUpAsync(12, DateTimeOffset.UtcNow, 1, c);
        await suite.ReadyAsync(b);
        await suite.FailedAsync(c, "adguard", "portainer");

        var (page, requests) = await suite.OpenAsync(1920, 1080);
        await page.EvaluateAsync("window.notReloaded = true");

        // Unit a is placed through the OPNsense VM's MAC, not its WAN MAC.
        await Assertions.Expect(page.Locator("[data-port='3']")).ToHaveAttributeAsync("data-state", "building");
        await Assertions.Expect(page.Locator("[data-port='3'] .stage")).ToHaveTextAsync("Phase 2: OPNsense VM");
        await Assertions.Expect(page.Locator("[data-port='7']")).ToHaveAttributeAsync("data-state", "ready");
        await Assertions.Expect(page.Locator("[data-port='12']")).ToHaveAttributeAsync("data-state", "failed");
        await Assertions.Expect(page.Locator("[data-port='12'] .stage")).ToHaveTextAsync("adguard, portainer");
        await Assertions.Expect(page.Locator("[data-port='1']")).ToHaveAttributeAsync("data-state", "empty");
        await Assertions.Expect(page.Locator("#ready-count")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#failed-count")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#unplaced")).ToContainTextAsync(d);
        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("live");

        var started = DateTime.UtcNow;
        await suite.HeartbeatAsync(a, "Phase 5: management VM");
        await Assertions.Expect(page.Locator("[data-port='3'] .stage")).ToHaveTextAsync("Phase 5: management VM", new() { Timeout = 2000 });
        var latency = DateTime.UtcNow - started;
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        Assert.True(latency < TimeSpan.FromSeconds(2), $"heartbeat took {latency.TotalMilliseconds} ms to show");

        await page.ScreenshotAsync(new() { Path = BrowserFixture.Screenshot("dashboard-1920x1080.png"), FullPage = false });
        await page.SetViewportSizeAsync(1280, 800);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.Screenshot("dashboard-1280x800.png"), FullPage = false });

        lock (requests)
        {
            Assert.NotEmpty(requests);
            Assert.All(requests, url => Assert.StartsWith(suite.BaseUrl, url));
        }
    }

    [Fact]
    public async Task Line_health_shows_each_part_green_amber_or_red()
    {
        await suite.PublishAsync(new PrinterStatusChanged { StationId = "label-1", State = "paper-out", CheckedAt = DateTimeOffset.UtcNow },
            "dashboard_printers", 1, "station_id = 'label-1'");
        var (page, _) = await suite.OpenAsync(1280, 800);

        await Assertions.Expect(page.Locator("#health li[data-name='Switch']")).ToHaveAttributeAsync("data-level", "green");
        await Assertions.Expect(page.Locator("#health li[data-name='CDN']")).ToHaveAttributeAsync("data-level", "red");
        await Assertions.Expect(page.Locator("#health li[data-name='CDN']")).ToContainTextAsync("1/2 assets verified");
        await Assertions.Expect(page.Locator("#health li[data-name='Printer']")).ToHaveAttributeAsync("data-level", "amber");
        await Assertions.Expect(page.Locator("#health li[data-name='PostgreSQL']")).ToHaveAttributeAsync("data-level", "green");
        await Assertions.Expect(page.Locator("#health li[data-name='RabbitMQ']")).ToHaveAttributeAsync("data-level", "green");

        suite.Line.SwitchStatus = null;   // the switch monitor stops answering: red, and the page keeps working
        await Assertions.Expect(page.Locator("#health li[data-name='Switch']")).ToHaveAttributeAsync("data-level", "red");
        suite.Line.SwitchStatus = LineServices.Switch("Healthy", DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_stuck_unit_raises_an_alert_banner()
    {
        var mac = DashboardApi.NewMac();
        await suite.HeartbeatAsync(mac, "Phase 3: waiting for OPNsense");
        var (page, _) = await suite.OpenAsync(1920, 1080);

        await suite.ExecuteAsync($"UPDATE build_attempts SET last_heartbeat_at = now() - interval '10 minutes' WHERE unit_mac = '{mac}'");

        await Assertions.Expect(page.Locator("#alerts")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#alerts")).ToContainTextAsync($"STUCK: {mac}");
    }

    [Fact]
    public async Task Port_events_delivered_twice_or_late_leave_one_link_and_a_closed_port_stays_closed()
    {
        var mac = DashboardApi.NewMac();
        var at = DateTimeOffset.UtcNow;
        await suite.HeartbeatAsync(mac, "Phase 1");
        var port = $"switch_id = '{suite.SwitchId}' AND port = 15";

        await suite.LinkUpAsync(15, at, 1, mac.ToUpperInvariant().Replace(':', '-'));
        await suite.LinkUpAsync(15, at, 1, mac);
        Assert.Equal(1, await suite.CountAsync("dashboard_port_links", port));
        Assert.Equal(15, Placement(await suite.GetJsonAsync("/api/metrics/board"), mac));

        await suite.PublishAsync(new PortLinkedDown { SwitchId = suite.SwitchId, Port = 15, IfIndex = 15, Role = PortRole.Build, DetectedAt = at.AddSeconds(10) },
            "dashboard_port_links", 1, $"{port} AND unlinked_at IS NOT NULL");
        await suite.LinkUpAsync(15, at.AddSeconds(5), 0, mac);          // older than the link-down: ignored
        await suite.LinkUpAsync(16, at.AddSeconds(5), 1, DashboardApi.NewMac()); // consumed after it on the same queue

        Assert.Equal(0, await suite.CountAsync("dashboard_port_links", $"{port} AND unlinked_at IS NULL"));
        Assert.Null(Placement(await suite.GetJsonAsync("/api/metrics/board"), mac));
    }

    private static int? Placement(System.Text.Json.JsonElement board, string mac) => board.GetProperty("ports").EnumerateArray()
        .Where(p => p.TryGetProperty("unit", out var u) && u.GetProperty("mac").GetString() == mac)
        .Select(p => (int?)p.GetProperty("port").GetInt32()).SingleOrDefault();

    [Fact]
    public async Task The_page_has_a_strict_content_security_policy_and_no_secrets()
    {
        var mac = DashboardApi.NewMac();
        await suite.HeartbeatAsync(mac, "Phase 1");
        await suite.ReadyAsync(mac);

        var page = await suite.Client().GetAsync("/");
        var board = await (await suite.Client().GetAsync("/api/metrics/board")).Content.ReadAsStringAsync();

        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Contains(mac, board);
        Assert.DoesNotContain("correct-horse-battery-staple", board);
        Assert.DoesNotContain("password", board, StringComparison.OrdinalIgnoreCase);
    }
}
