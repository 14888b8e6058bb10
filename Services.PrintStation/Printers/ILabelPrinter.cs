using PrivateBox.Factory.Services.PrintStation.Labels;

namespace PrivateBox.Factory.Services.PrintStation.Printers;

/// <summary>A printer the station can ask for its state and send a label to.</summary>
public interface ILabelPrinter
{
    string Description { get; }
    Task<PrinterState> CheckAsync(CancellationToken ct);

    /// <summary>Sends one label. Throws <see cref="PrinterException"/> with an operator-readable message on failure.</summary>
    Task PrintAsync(LabelContent label, LabelLayout layout, CancellationToken ct);
}

/// <summary>A printer's state as the contract names it: ready, paper-out, head-open, paused, unreachable or error.</summary>
public sealed record PrinterState(string State, string? Detail = null)
{
    public const string ReadyState = "ready";
    public static readonly PrinterState Ready = new(ReadyState);
    public bool IsReady => State == ReadyState;

    /// <summary>What the operator reads on the kiosk.</summary>
    public string Describe() => State switch
    {
        ReadyState => "Printer ready",
        "paper-out" => "Printer is out of labels — load a new roll",
        "head-open" => "Printer head is open — close it",
        "paused" => "Printer is paused — press its pause button",
        "unreachable" => $"Printer unreachable{(Detail is null ? "" : $": {Detail}")}",
        _ => $"Printer error{(Detail is null ? "" : $": {Detail}")}",
    };
}

public sealed class PrinterException(string message, Exception? inner = null) : Exception(message, inner);
