using Microsoft.Extensions.Options;
using PrivateBox.Factory.ServiceDefaults.Security;
using PrivateBox.Factory.Services.PrintStation.Printers;
using PrivateBox.Factory.Services.PrintStation.Station;
using PrivateBox.Factory.Services.PrintStation.Units;

namespace PrivateBox.Factory.Services.PrintStation;

public static class Extensions
{
    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        var isDev = builder.Environment.IsDevelopment();
        var contentRoot = builder.Environment.ContentRootPath;
        // The station reads a ready unit's passwords and purges them after the label: the label key, and no other.
        builder.AddFactoryKeys(CallerRole.Label);
        builder.Services.AddOptions<PrintStationOptions>()
            .BindConfiguration(PrintStationOptions.Section)
            .PostConfigure(o =>
            {
                o.Printer.Folder = Path.Combine(contentRoot, o.Printer.Folder);
            })
            .Validate(o => isDev || !o.AllowRemoteKiosk || o.KioskPin is { Length: >= 6 },
                "PrintStation:KioskPin (at least 6 characters) must be set outside Development when PrintStation:AllowRemoteKiosk is true.")
            .Validate(o => isDev || o.Printer.Kind != PrinterKind.Folder,
                "PrintStation:Printer:Kind must be Zpl or Cups outside Development (the folder printer keeps labels on disk).")
            .Validate(o => o.Printer.Kind != PrinterKind.Zpl || !string.IsNullOrWhiteSpace(o.Printer.Host), "PrintStation:Printer:Host is required for a ZPL printer.")
            .Validate(o => o.Label.Dpi is >= 100 and <= 600 && o.Label.WidthInches is > 1 and <= 8 && o.Label.HeightInches is > 1 and <= 12,
                "PrintStation:Label: dpi 100-600, width 1-8 in, height 1-12 in.")
            .ValidateOnStart();

        builder.Services.AddHttpClient<GatewayUnits>((sp, http) =>
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<PrintStationOptions>>().Value.GatewayUrl.TrimEnd('/') + "/"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ILabelPrinter>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<PrintStationOptions>>().Value;
            return o.Printer.Kind switch
            {
                PrinterKind.Zpl => new ZplPrinter(o.Printer),
                PrinterKind.Cups => new CupsPrinter(o.Printer),
                _ => new FolderPrinter(o.Printer.Folder, o.Label),
            };
        });
        builder.Services.AddSingleton<PrinterMonitor>();
        builder.Services.AddHostedService<PrinterWatch>();
        builder.Services.AddSingleton<LabelStation>();
        builder.Services.AddSingleton<Kiosk.KioskSessions>();
        // Each station has its own queue, so every station (and no other service) sees every port event.
        var stationId = builder.Configuration[$"{PrintStationOptions.Section}:StationId"] ?? new PrintStationOptions().StationId;
        builder.AddFactoryMessaging(bus =>
            bus.AddConsumer<LabelPortConsumer>().Endpoint(e => e.Name = $"print-station-{stationId}"));
    }
}
