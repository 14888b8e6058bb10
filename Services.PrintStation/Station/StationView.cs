namespace PrivateBox.Factory.Services.PrintStation.Station;

/// <summary>What the kiosk shows. Never holds a password: the preview image is fetched separately.</summary>
public sealed record StationView(
    long Version,
    string Phase,
    string? Prompt,
    string? Note,
    string? Serial,
    string? Mac,
    long? PreviewVersion,
    IReadOnlyList<QueuedArrival> Queue,
    PrinterView Printer,
    StationResult? Last,
    IReadOnlyList<HistoryEntry> History);

public sealed record QueuedArrival(IReadOnlyList<string> Macs, DateTimeOffset ArrivedAt, int? Port = null);

public sealed record PrinterView(string State, string Text);

/// <summary>How a unit's visit ended: labeled, refused, skipped or error.</summary>
public sealed record StationResult(string Outcome, string Message, string? Serial, DateTimeOffset At);

/// <summary>One line of the recent-labels history: no passwords, ever.</summary>
public sealed record HistoryEntry(DateTimeOffset At, string Mac, string? Serial, string Outcome, string? Detail);

public static class Phases
{
    public const string Idle = "idle";
    public const string LookingUp = "looking-up";
    public const string LookupFailed = "lookup-failed";
    public const string AskPrint = "ask-print";
    public const string Printing = "printing";
    public const string PrinterProblem = "printer-problem";
    public const string AskConfirm = "ask-confirm";
    public const string AskReason = "ask-reason";
    public const string Recording = "recording";
    public const string Purging = "purging";
    public const string PurgeFailed = "purge-failed";

    public static readonly string[] Reasons = ["jam", "blank", "smudged", "other"];
}
