using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PrivateBox.Factory.Services.PrintStation.Station;

namespace PrivateBox.Factory.PrintStation.Tests;

/// <summary>An operator at the kiosk in headless Chromium, end to end through the gateway and the real Unit API.</summary>
[Collection(SuiteCollection.Name)]
public sealed class KioskTests(SuiteFixture suite) : IAsyncLifetime
{
    private const string Admin = "Correct-Horse-Battery-Staple-Olive-Ivory-Lamp-01"; // 49 characters
    private const string Services = "Zq8*Lm2+Xr7=Pw4@Hk9nTb3cIl1O0oQ";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private IPage Page => suite.Page;

    public Task InitializeAsync()
    {
        suite.Printer.PaperOut = false;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Ready_unit_is_labeled_after_two_yeses_and_its_passwords_are_gone()
    {
        var (mac, vmMac, serial) = await ReportReady();
        var printed = suite.Printer.Labels.Count;

        await suite.PlugIn(vmMac); // the switch sees the OPNsense VM's MAC, not mac_wan
        await Prompt($"Print label for unit {serial}?");
        await Expect(Page.Locator("#preview")).ToBeVisibleAsync();
        await suite.Screenshot("1-ask-print");
        await Page.Keyboard.PressAsync("y");
        await Prompt("Label printed successfully?");
        await suite.Screenshot("2-ask-confirm");

        var zpl = suite.Printer.Labels.Skip(printed).Single();
        Assert.Contains($"^FDMA,{serial}^FS", zpl);
        Assert.Contains($"^FD{serial}^FS", zpl);
        Assert.Equal(Admin, Lines(zpl, "SSH:", "Web:"));
        Assert.Equal(Services, Lines(zpl, "Web:", "privatebox.dk/setup"));

        await Page.ClickAsync("#yes");
        await Expect(Page.Locator("#last")).ToContainTextAsync("Done — credentials deleted");
        await suite.Screenshot("3-done");

        var unit = await (await suite.StationClient().GetAsync($"/api/units/{mac}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("labeled", unit.GetProperty("status").GetString());
        Assert.False(unit.TryGetProperty("admin_password", out _));
        var dump = await TestServers.DumpAsync(suite.UnitApi.ConnectionString);
        Assert.DoesNotContain(Admin, dump);
        Assert.DoesNotContain(Services, dump);
        var page = await Page.ContentAsync();
        Assert.DoesNotContain(Admin, page);
        await Expect(Page.Locator("#history")).ToContainTextAsync(serial);
        Assert.Empty(suite.ForeignRequests);
        Assert.DoesNotContain(suite.Station.Logs, l => l.Contains(Admin) || l.Contains(Services));
        Assert.Contains(suite.Station.Logs, l => l.Contains(serial)); // the logs were captured
    }

    [Fact]
    public async Task An_answer_for_a_question_no_longer_shown_is_refused()
    {
        var (mac, _, serial) = await ReportReady();
        await suite.PlugIn(mac);
        await Prompt($"Print label for unit {serial}?");
        using var kiosk = new HttpClient { BaseAddress = new Uri(suite.StationUrl) };

        // A second tap on "Yes" meant for the print question must not confirm a label nobody has seen.
        var stale = await kiosk.PostAsync("/kiosk/answer/yes?phase=ask-confirm", null);

        Assert.Equal(System.Net.HttpStatusCode.Conflict, stale.StatusCode);
        await Prompt($"Print label for unit {serial}?");
        await Page.Keyboard.PressAsync("n");
        await Expect(Page.Locator("#last")).ToContainTextAsync("Not printed");
    }

    [Fact]
    public async Task Labeled_unit_plugged_in_again_is_told_no_reprint_is_possible()
    {
        var (mac, _, serial) = await ReportReady();
        await suite.PlugIn(mac);
        await Prompt($"Print label for unit {serial}?");
        await Page.Keyboard.PressAsync("y");
        await Prompt("Label printed successfully?");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.Locator("#last")).ToContainTextAsync("Done — credentials deleted");
        var printed = suite.Printer.Labels.Count;

        await suite.PlugIn(mac);

        await Expect(Page.Locator("#last")).ToContainTextAsync("Already labeled at", new() { Timeout = (float)Wait.TotalMilliseconds });
        await Expect(Page.Locator("#last")).ToContainTextAsync("Rebuild the unit to get a new label.");
        await suite.Screenshot("4-already-labeled");
        Assert.Equal(printed, suite.Printer.Labels.Count);
    }

    [Fact]
    public async Task Misprint_records_a_reprint_and_keeps_the_credentials()
    {
        var (mac, _, serial) = await ReportReady();
        await suite.PlugIn(mac);
        await Prompt($"Print label for unit {serial}?");
        await Page.ClickAsync("#yes");
        await Prompt("Label printed successfully?");
        await Page.Keyboard.PressAsync("n");
        await Prompt("What went wrong with the label?");
        await suite.Screenshot("5-ask-reason");
        await Page.ClickAsync("#reasons [data-reason=jam]");

        await Prompt($"Print label for unit {serial}?");
        await Expect(Page.Locator("#note")).ToContainTextAsync("Reprint recorded (jam)");
        var reprint = await Eventually(() => suite.Reprints.FirstOrDefault(r => r.Serial == serial));
        Assert.Equal("jam", reprint.Reason);
        var unit = await (await suite.StationClient().GetAsync($"/api/units/{mac}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ready", unit.GetProperty("status").GetString());
        Assert.Equal(Admin, unit.GetProperty("admin_password").GetString());

        await Page.Keyboard.PressAsync("n"); // not now: the unit keeps its credentials for a replug
        await Expect(Page.Locator("#last")).ToContainTextAsync("credentials are kept");
    }

    [Fact]
    public async Task Failed_unit_is_refused_with_its_reason_and_nothing_prints()
    {
        var mac = NewMac();
        (await suite.UnitClient().PostAsJsonAsync("/api/units", new Dictionary<string, object>
        {
            ["mac_wan"] = mac, ["status"] = "failed", ["error_log"] = "adguard did not start", ["failed_tests"] = new[] { "adguard" },
        })).EnsureSuccessStatusCode();
        var printed = suite.Printer.Labels.Count;

        await suite.PlugIn(mac);

        await Expect(Page.Locator("#last")).ToContainTextAsync("Failed: adguard — take it to the debug station", new() { Timeout = (float)Wait.TotalMilliseconds });
        await Expect(Page.Locator("#yes")).ToBeHiddenAsync();
        await suite.Screenshot("6-failed-refused");
        Assert.Equal(printed, suite.Printer.Labels.Count);
    }

    [Fact]
    public async Task Paper_out_is_shown_and_nothing_prints_until_fixed()
    {
        var (mac, _, serial) = await ReportReady();
        suite.Printer.PaperOut = true;
        var printed = suite.Printer.Labels.Count;

        await suite.PlugIn(mac);
        await Prompt($"Print label for unit {serial}?");
        await Page.Keyboard.PressAsync("y");

        await Prompt("Printer is out of labels — load a new roll. Print when fixed?");
        await Expect(Page.Locator("#printer")).ToHaveClassAsync("printer paper-out");
        await suite.Screenshot("7-paper-out");
        Assert.Equal(printed, suite.Printer.Labels.Count);
        await Eventually(() => suite.PrinterStates.FirstOrDefault(s => s.State == "paper-out"));

        suite.Printer.PaperOut = false;
        await Page.Keyboard.PressAsync("y");
        await Prompt("Label printed successfully?");
        Assert.Equal(printed + 1, suite.Printer.Labels.Count);
        await Page.Keyboard.PressAsync("y");
        await Expect(Page.Locator("#last")).ToContainTextAsync("Done — credentials deleted");
    }

    [Fact]
    public async Task Second_unit_waits_in_a_visible_queue_while_a_prompt_is_open()
    {
        var (first, _, firstSerial) = await ReportReady();
        var (second, _, secondSerial) = await ReportReady();

        await suite.PlugIn(first);
        await Prompt($"Print label for unit {firstSerial}?");
        await suite.PlugIn(second);

        await Expect(Page.Locator("#queue li")).ToHaveCountAsync(1);
        await Expect(Page.Locator("#queue")).ToContainTextAsync(second);
        await suite.Screenshot("8-queue");
        await Page.Keyboard.PressAsync("n");
        await Prompt($"Print label for unit {secondSerial}?");
        await Page.Keyboard.PressAsync("n");
        await Expect(Page.Locator("#queue li")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Unplugging_before_printing_ends_the_question_and_after_printing_the_operator_still_answers()
    {
        var (mac, _, serial) = await ReportReady();
        var printed = suite.Printer.Labels.Count;

        await suite.PlugIn(mac);
        await Prompt($"Print label for unit {serial}?");
        await suite.Unplug();
        await Expect(Page.Locator("#last")).ToContainTextAsync("Unplugged before printing");
        await Expect(Page.Locator("#prompt")).Not.ToHaveTextAsync($"Print label for unit {serial}?");
        Assert.Equal(printed, suite.Printer.Labels.Count);
        var unit = await (await suite.StationClient().GetAsync($"/api/units/{mac}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ready", unit.GetProperty("status").GetString());
        Assert.Equal(Admin, unit.GetProperty("admin_password").GetString());

        // Printed, then unplugged: the label is in the operator's hand and still needs an answer.
        await suite.PlugIn(mac);
        await Prompt($"Print label for unit {serial}?");
        await Page.Keyboard.PressAsync("y");
        await Prompt("Label printed successfully?");
        suite.Station.Services.GetRequiredService<LabelStation>().Leave(21);
        Assert.Equal(Phases.AskConfirm, suite.Station.Services.GetRequiredService<LabelStation>().View().Phase);
        await Page.Keyboard.PressAsync("y");
        await Expect(Page.Locator("#last")).ToContainTextAsync("Done — credentials deleted");
    }

    private async Task<(string Mac, string VmMac, string Serial)> ReportReady()
    {
        var (mac, vmMac, serial) = (NewMac(), NewMac(), Guid.NewGuid().ToString());
        (await suite.UnitClient().PostAsJsonAsync("/api/units", new Dictionary<string, object>
        {
            ["mac_wan"] = mac, ["status"] = "ready", ["serial"] = serial, ["macs"] = new[] { vmMac },
            ["admin_password"] = Admin, ["services_password"] = Services,
            ["build_time"] = DateTimeOffset.UtcNow.ToString("O"), ["build_duration_seconds"] = 1042,
            ["test_results"] = new Dictionary<string, string> { ["portainer"] = "pass", ["adguard"] = "pass" },
        })).EnsureSuccessStatusCode();
        return (mac, vmMac, serial);
    }

    private Task Prompt(string text) =>
        Expect(Page.Locator("#prompt")).ToHaveTextAsync(text, new() { Timeout = (float)Wait.TotalMilliseconds });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static async Task<T> Eventually<T>(Func<T?> probe) where T : class
    {
        for (var i = 0; i < 200; i++)
        {
            if (probe() is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException("Expected message did not arrive.");
    }

    /// <summary>The text of the field lines between two captions, joined: a wrapped password in one piece.</summary>
    private static string Lines(string zpl, string from, string until)
    {
        var start = zpl.IndexOf($"^FD{from}", StringComparison.Ordinal);
        var end = zpl.IndexOf(until, start, StringComparison.Ordinal);
        return string.Concat(zpl[start..end].Split('\n').Skip(1)
            .Where(l => l.Contains("^FD") && l.Contains("^FS"))
            .Select(l => l[(l.IndexOf("^FD", StringComparison.Ordinal) + 3)..l.IndexOf("^FS", StringComparison.Ordinal)]));
    }

    private static string NewMac()
    {
        var bytes = Guid.NewGuid().ToByteArray()[..6];
        bytes[0] = (byte)((bytes[0] & 0xFC) | 0x02);
        return string.Join(':', bytes.Select(b => b.ToString("x2")));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
