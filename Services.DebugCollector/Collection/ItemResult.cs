namespace PrivateBox.Factory.Services.DebugCollector.Collection;

/// <summary>One collected item: its own exit status, output, duration and error. Output is capped at MaxItemBytes per stream.</summary>
public sealed class ItemResult
{
    public required string Name { get; init; }
    public required string Command { get; init; }
    public int? ExitStatus { get; set; }
    public string? ExitSignal { get; set; }
    public long DurationMs { get; set; }
    public bool TimedOut { get; set; }
    public string? Error { get; set; }
    public long StdoutBytes { get; set; }
    public long StderrBytes { get; set; }
    public bool Truncated { get; set; }
    internal MemoryStream Stdout { get; } = new();
    internal MemoryStream Stderr { get; } = new();
    public bool Succeeded => Error is null && !TimedOut && ExitStatus == 0;
}
