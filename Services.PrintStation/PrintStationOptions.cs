namespace PrivateBox.Factory.Services.PrintStation;

/// <summary>Settings of one labeling station, from configuration section "PrintStation".</summary>
public sealed class PrintStationOptions
{
    public const string Section = "PrintStation";

    /// <summary>Names this station in events and on the dashboard.</summary>
    public string StationId { get; set; } = "label-21";

    /// <summary>Only port events from this switch are taken; any switch's when empty.</summary>
    public string? SwitchId { get; set; }

    /// <summary>Only units on this label port are the station's (two stations at ports 21 and 19 each name theirs); any label port when empty.</summary>
    public int? Port { get; set; }

    /// <summary>The gateway, the only address the station calls (service discovery name in Aspire).</summary>
    public string GatewayUrl { get; set; } = "https+http://gateway";

    /// <summary>Test names that must be present and "pass"; when empty every reported test must pass.</summary>
    public List<string> RequiredTests { get; set; } = [];

    /// <summary>Recent labels kept for the kiosk's history (no secrets).</summary>
    public int HistorySize { get; set; } = 30;

    /// <summary>Only loopback browsers may use the kiosk unless this is set (the kiosk shows passwords).</summary>
    public bool AllowRemoteKiosk { get; set; }

    /// <summary>The PIN a remote kiosk browser signs in with; a secret, required outside Development when remote kiosks are allowed.</summary>
    public string? KioskPin { get; set; }

    public LabelOptions Label { get; set; } = new();
    public PrinterOptions Printer { get; set; } = new();

    // The kiosk PIN never appears in logs or exception messages.
    public override string ToString() => $"PrintStationOptions {{ StationId = {StationId}, Printer = {Printer.Kind} }}";
}

public sealed class LabelOptions
{
    public double WidthInches { get; set; } = 4;
    public double HeightInches { get; set; } = 3;
    public int Dpi { get; set; } = 203;
    public string SetupUrl { get; set; } = "privatebox.dk/setup";
}

public enum PrinterKind
{
    Folder,
    Zpl,
    Cups,
}

public sealed class PrinterOptions
{
    /// <summary>Folder (development), Zpl (raw TCP 9100) or Cups (lp with a PDF).</summary>
    public PrinterKind Kind { get; set; } = PrinterKind.Folder;
    public string Host { get; set; } = "";
    public int Port { get; set; } = 9100;

    /// <summary>The CUPS queue for <see cref="PrinterKind.Cups"/>; the default destination when empty.</summary>
    public string Queue { get; set; } = "";

    /// <summary>The CUPS server ("host" or "host:port") for <see cref="PrinterKind.Cups"/>; the local one when empty.</summary>
    public string Server { get; set; } = "";

    /// <summary>Where the folder printer writes; relative to the content root.</summary>
    public string Folder { get; set; } = "label-output";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(10);
}
