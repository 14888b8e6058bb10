using System.Collections.Concurrent;
using System.Net.Http.Headers;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace PrivateBox.Factory.PrintStation.Tests;

/// <summary>
/// The labeling line on loopback: the real Unit API (test PostgreSQL, test RabbitMQ), the real gateway in
/// front of it, the print station with a fake ZPL printer, and the kiosk open in headless Chromium.
/// </summary>
public sealed class SuiteFixture : IAsyncLifetime
{
    public const string FactoryToken = "dev-factory-token";
    public const string LabelKey = "dev-label-key";

    public FakeZplPrinter Printer { get; } = new();
    public UnitApiHost UnitApi { get; private set; } = null!;
    public GatewayProcess Gateway { get; private set; } = null!;
    public StationHost Station { get; private set; } = null!;
    public string StationUrl { get; private set; } = "";
    public IBus Bus => Station.Services.GetRequiredService<IBus>();
    public ConcurrentQueue<LabelReprinted> Reprints { get; } = new();
    public ConcurrentQueue<PrinterStatusChanged> PrinterStates { get; } = new();
    public ConcurrentQueue<string> ForeignRequests { get; } = new();
    public IPage Page { get; private set; } = null!;
    public string SwitchId { get; } = $"switch-{Guid.NewGuid():N}";
    public string Artifacts { get; } = Path.Combine(TestServers.RepoRoot, "TestResults", "kiosk");
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private HostReceiveEndpointHandle? _listener;

    public async Task InitializeAsync()
    {
        UnitApi = new UnitApiHost(await TestServers.CreateDatabaseAsync("printstation"));
        UnitApi.Start();
        Gateway = await GatewayProcess.StartAsync(UnitApi);
        Station = new StationHost(new Dictionary<string, string?>
        {
            // Other suites' switch tests publish on the same broker; this station listens to its own switch only.
            ["PrintStation:SwitchId"] = SwitchId,
            ["PrintStation:StationId"] = $"test-{Guid.NewGuid():N}"[..16],
            ["PrintStation:GatewayUrl"] = Gateway.Url,
            ["PrintStation:Printer:Kind"] = "Zpl",
            ["PrintStation:Printer:Host"] = "127.0.0.1",
            ["PrintStation:Printer:Port"] = Printer.Port.ToString(),
            ["PrintStation:Printer:CheckInterval"] = "00:00:01",
        });
        StationUrl = Station.Start();

        // What the dashboard will see: the station's events, received over the real broker.
        _listener = Bus.ConnectReceiveEndpoint($"print-test-{Guid.NewGuid():N}", e =>
        {
            e.Handler<LabelReprinted>(c => { Reprints.Enqueue(c.Message); return Task.CompletedTask; });
            e.Handler<PrinterStatusChanged>(c => { PrinterStates.Enqueue(c.Message); return Task.CompletedTask; });
        });
        await _listener.Ready;

        Directory.CreateDirectory(Artifacts);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });
        Page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        Page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(StationUrl, StringComparison.Ordinal)) ForeignRequests.Enqueue(request.Url);
        };
        await Page.GotoAsync(StationUrl);
        await Page.Locator("#connection", new() { HasText = "live" }).WaitForAsync();
    }

    public HttpClient UnitClient()
    {
        var client = UnitApi.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FactoryToken);
        return client;
    }

    /// <summary>The station's own view of the API: through the gateway with the label key.</summary>
    public HttpClient StationClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(Gateway.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", LabelKey);
        return client;
    }

    public Task PlugIn(params string[] macs) => Bus.Publish(new PortLinkedUp
    {
        SwitchId = SwitchId, Port = 21, IfIndex = 21, Role = PortRole.Label, Macs = macs,
        DetectedAt = DateTimeOffset.UtcNow, Source = DetectionSource.Trap,
    });

    public Task Unplug() => Bus.Publish(new PortLinkedDown
    {
        SwitchId = SwitchId, Port = 21, IfIndex = 21, Role = PortRole.Label, DetectedAt = DateTimeOffset.UtcNow,
    });

    public Task Screenshot(string name) => Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, $"{name}.png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_listener is not null) await _listener.StopAsync();
        await Station.DisposeAsync();
        await Gateway.DisposeAsync();
        await UnitApi.DisposeAsync();
        await Printer.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public class SuiteCollection : ICollectionFixture<SuiteFixture>
{
    public const string Name = "labeling line";
}
