using PrivateBox.Factory.Services.PrintStation;
using PrivateBox.Factory.Services.PrintStation.Labels;
using PrivateBox.Factory.Services.PrintStation.Printers;

namespace PrivateBox.Factory.PrintStation.Tests;

/// <summary>The CUPS printer (lp and lpstat) against a real cupsd on loopback.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CupsTests(CupsServer cups) : IClassFixture<CupsServer>
{
    private static readonly LabelContent Label = new("0b7e6a2c-1d2f-4c5e-9a8b-7c6d5e4f3a2b", "Correct-Horse-Battery", "Zq8*Lm2+Xr7=Pw4@Hk9n", "privatebox.dk/setup");

    private CupsPrinter Printer(string queue = CupsServer.Queue) =>
        new(new PrinterOptions { Kind = PrinterKind.Cups, Queue = queue, Server = cups.Server, Timeout = TimeSpan.FromSeconds(10) });

    [Fact]
    public async Task A_label_reaches_the_queue_as_one_pdf_job_named_after_the_serial()
    {
        var before = Directory.GetFiles(cups.Output, "*.job");

        await Printer().PrintAsync(Label, LabelLayout.For(Label, new LabelOptions()), CancellationToken.None);

        string[] added = [];
        for (var i = 0; i < 100 && (added = Directory.GetFiles(cups.Output, "*.job").Except(before).ToArray()).Length == 0; i++)
            await Task.Delay(100);
        var job = Assert.Single(added);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString((await File.ReadAllBytesAsync(job))[..5]));
        Assert.Equal($"PrivateBox {Label.Serial}", await File.ReadAllTextAsync(Path.ChangeExtension(job, ".title")));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("127.0.0.1:631", "-h 127.0.0.1:631")]
    [InlineData("localhost", "-h localhost")]
    [InlineData("[::1]:631", "-h [::1]:631")]
    [InlineData("/run/cups/cups.sock", "-h /run/cups/cups.sock")]
    [InlineData("192.168.100.5", "-h 192.168.100.5 -E")]
    [InlineData("print.factory.lan:631", "-h print.factory.lan:631 -E")]
    public void A_server_elsewhere_is_reached_only_with_encryption(string server, string expected) =>
        Assert.Equal(expected, string.Join(' ', CupsPrinter.ServerArgs(server)));

    [Fact]
    public async Task The_queue_reads_ready_then_paused_when_disabled_and_the_default_queue_is_found()
    {
        Assert.Equal(PrinterState.Ready, await Printer().CheckAsync(CancellationToken.None));
        Assert.Equal(PrinterState.Ready, await Printer(queue: "").CheckAsync(CancellationToken.None));

        await cups.RunAsync("cupsdisable", CupsServer.Queue);
        try
        {
            Assert.Equal("paused", (await Printer().CheckAsync(CancellationToken.None)).State);
        }
        finally
        {
            await cups.RunAsync("cupsenable", CupsServer.Queue);
        }
    }

    [Fact]
    public async Task A_missing_queue_or_server_is_unreachable_and_printing_to_it_fails_with_lps_message()
    {
        Assert.Equal("unreachable", (await Printer("no-such-queue").CheckAsync(CancellationToken.None)).State);
        var down = new CupsPrinter(new PrinterOptions { Kind = PrinterKind.Cups, Server = $"127.0.0.1:{TestServers.FreePort()}" });
        Assert.Equal("unreachable", (await down.CheckAsync(CancellationToken.None)).State);

        var error = await Assert.ThrowsAsync<PrinterException>(() =>
            Printer("no-such-queue").PrintAsync(Label, LabelLayout.For(Label, new LabelOptions()), CancellationToken.None));
        Assert.StartsWith("lp failed:", error.Message);
        Assert.DoesNotContain(Label.AdminPassword, error.Message);
    }
}
