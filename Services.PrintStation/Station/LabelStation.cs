using MassTransit;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.PrintStation.Labels;
using PrivateBox.Factory.Services.PrintStation.Printers;
using PrivateBox.Factory.Services.PrintStation.Units;

namespace PrivateBox.Factory.Services.PrintStation.Station;

/// <summary>
/// The labeling flow for one unit at a time: look up, interlock, ask, check the printer, print, confirm,
/// purge. Arrivals during a flow wait in a visible queue. Passwords live only in <see cref="Flow"/> and
/// the in-memory preview, and are dropped when the flow ends.
/// </summary>
public sealed partial class LabelStation(
    IServiceScopeFactory scopes, ILabelPrinter printer, PrinterMonitor monitor, IBus bus, TimeProvider clock,
    IOptions<PrintStationOptions> options, IHostApplicationLifetime lifetime, ILogger<LabelStation> logger)
{
    private sealed class Flow(IReadOnlyList<string> macs, int? port)
    {
        public IReadOnlyList<string> Macs { get; } = macs;
        public int? Port { get; } = port;
        public bool Unplugged { get; set; }
        public StationUnit? Unit { get; set; }
        public LabelContent? Label { get; set; }
        public LabelLayout? Layout { get; set; }
    }

    private readonly Lock _lock = new();
    private readonly List<QueuedArrival> _queue = [];
    private readonly LinkedList<HistoryEntry> _history = new();
    private Flow? _flow;
    private string _phase = Phases.Idle;
    private string? _prompt;
    private string? _note;
    private StationResult? _last;
    private byte[]? _preview, _maskedPreview;
    private long _previewVersion;
    private long _version;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PrintStationOptions Options => options.Value;
    private CancellationToken Stopping => lifetime.ApplicationStopping;

    /// <summary>A unit appeared on the label port. Idempotent: a MAC already current or queued is ignored.</summary>
    public void Arrive(IReadOnlyList<string> macs, int? port = null)
    {
        var normalized = macs.Select(Normalize).Where(m => m.Length > 0).Distinct().ToList();
        if (normalized.Count == 0) return;
        lock (_lock)
        {
            var known = _queue.SelectMany(q => q.Macs).Concat(_flow?.Macs ?? []).Concat(_flow?.Unit is { } u ? [Normalize(u.Mac)] : []);
            if (normalized.Intersect(known).Any())
            {
                LogDuplicateArrival(logger, string.Join(",", normalized));
                return;
            }
            _queue.Add(new QueuedArrival(normalized, clock.GetUtcNow(), port));
            Touch();
        }
        StartNext();
    }

    /// <summary>
    /// The label port <paramref name="port"/> went down: the unit on it was unplugged. A waiting arrival from that port
    /// leaves the queue; the current unit's flow ends if nothing was printed yet (its credentials stay), otherwise the
    /// operator still answers for the label in hand.
    /// </summary>
    public void Leave(int port)
    {
        Func<Task>? next = null;
        lock (_lock)
        {
            var removed = _queue.RemoveAll(q => q.Port == port);
            if (_flow is { } flow && flow.Port == port)
            {
                flow.Unplugged = true;
                if (_phase is Phases.AskPrint or Phases.PrinterProblem or Phases.LookupFailed) next = Unplugged();
            }
            if (removed > 0) Touch();
        }
        next?.Invoke();
    }

    private Func<Task> Unplugged() => Finish("skipped", "Unplugged before printing — the credentials are kept; replug the unit to label it");

    /// <summary>
    /// The operator pressed a button (yes, no, or a misprint reason) on the question of <paramref name="phase"/>.
    /// False when it does not apply now, or the question has changed since the operator saw it.
    /// </summary>
    public bool Answer(string answer, string? phase = null)
    {
        Func<Task>? work;
        lock (_lock)
        {
            if (phase is not null && phase != _phase) return false;
            work = (_phase, answer) switch
            {
                (Phases.AskPrint or Phases.PrinterProblem, "yes") => Enter(Phases.Printing, "Printing…", PrintAsync),
                (Phases.AskPrint or Phases.PrinterProblem, "no") => Finish("skipped", "Not printed — the credentials are kept; replug the unit to label it"),
                (Phases.AskConfirm, "yes") => Enter(Phases.Purging, "Deleting credentials…", PurgeAsync),
                (Phases.AskConfirm, "no") => Enter(Phases.AskReason, "What went wrong with the label?", null),
                (Phases.AskReason, "no") => Enter(Phases.AskConfirm, "Label printed successfully?", null),
                (Phases.AskReason, _) when Phases.Reasons.Contains(answer) => Enter(Phases.Recording, "Recording the reprint…", () => ReprintAsync(answer)),
                (Phases.PurgeFailed, "yes") => Enter(Phases.Purging, "Deleting credentials…", PurgeAsync),
                (Phases.PurgeFailed, "no") => Finish("error", "Label printed but the credentials were NOT deleted — replug the unit to finish"),
                (Phases.LookupFailed, "yes") => Enter(Phases.LookingUp, "Looking up the unit…", LookupAsync),
                (Phases.LookupFailed, "no") => Finish("error", "Lookup abandoned — replug the unit to try again"),
                _ => null,
            };
            if (work is null) return false;
            Touch();
        }
        Run(work);
        return true;
    }

    public StationView View()
    {
        lock (_lock) return Snapshot();
    }

    /// <summary>The current view and a task that completes at the next change (for server-sent events).</summary>
    public (StationView View, Task Changed) Watch()
    {
        lock (_lock) return (Snapshot(), Task.WhenAny(_changed.Task, monitor.NextChange));
    }

    /// <summary>The real label preview, in memory only, for the kiosk screen; masked for a screen elsewhere on the LAN.</summary>
    public byte[]? Preview(bool masked = false)
    {
        lock (_lock) return masked ? _maskedPreview : _preview;
    }

    private void StartNext()
    {
        lock (_lock)
        {
            if (_flow is not null || _queue.Count == 0) return;
            var next = _queue[0];
            _queue.RemoveAt(0);
            _flow = new Flow(next.Macs, next.Port);
            _last = null;
            SetPhase(Phases.LookingUp, "Looking up the unit…", null);
        }
        Run(LookupAsync);
    }

    private async Task LookupAsync()
    {
        var flow = _flow!;
        StationUnit? unit;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            unit = await scope.ServiceProvider.GetRequiredService<GatewayUnits>().FindAsync(flow.Macs, Stopping);
        }
        catch (Exception ex) when (ex is HttpRequestException or GatewayException or TaskCanceledException && !Stopping.IsCancellationRequested)
        {
            LogLookupFailed(logger, string.Join(",", flow.Macs), ex.Message);
            Func<Task>? left = null;
            lock (_lock)
            {
                if (flow.Unplugged) left = Unplugged();
                else SetPhase(Phases.LookupFailed, "Could not reach the factory server. Try again?", ex.Message);
            }
            left?.Invoke();
            return;
        }

        var refusal = Interlock.Refusal(unit, flow.Macs, Options.RequiredTests);
        if (refusal is not null)
        {
            LogRefused(logger, unit?.Mac ?? flow.Macs[0], unit?.Status ?? "unknown");
            lock (_lock)
            {
                flow.Unit = unit;
                Record(unit?.Mac ?? flow.Macs[0], unit?.Serial, "refused", refusal);
                Finish("refused", refusal)();
            }
            StartNext();
            return;
        }

        var label = new LabelContent(unit!.Serial!, unit.AdminPassword!, unit.ServicesPassword!, Options.Label.SetupUrl);
        var layout = LabelLayout.For(label, Options.Label);
        lock (_lock)
        {
            flow.Unit = unit;
            if (flow.Unplugged)
            {
                Unplugged()();
                return;
            }
            flow.Label = label;
            flow.Layout = layout;
            SetPhase(Phases.AskPrint, $"Print label for unit {unit.Serial}?", null);
        }
        // The question shows at once; the preview follows as soon as it is drawn.
        var preview = SkiaLabel.Png(layout);
        var masked = SkiaLabel.Png(LabelLayout.For(label.Masked(), Options.Label));
        lock (_lock)
        {
            if (_flow != flow) return;
            _preview = preview;
            _maskedPreview = masked;
            _previewVersion++;
            Touch();
        }
    }

    private async Task PrintAsync()
    {
        var flow = _flow!;
        var state = await monitor.CheckAsync(Stopping);
        if (!state.IsReady)
        {
            lock (_lock) SetPhase(Phases.PrinterProblem, $"{state.Describe()}. Print when fixed?", null);
            return;
        }
        try
        {
            await printer.PrintAsync(flow.Label!, flow.Layout!, Stopping);
        }
        catch (PrinterException ex)
        {
            LogPrintFailed(logger, flow.Unit!.Mac, ex.Message);
            lock (_lock) SetPhase(Phases.PrinterProblem, $"{ex.Message} Try again?", null);
            return;
        }
        LogPrinted(logger, flow.Unit!.Mac, flow.Unit.Serial);
        lock (_lock) SetPhase(Phases.AskConfirm, "Label printed successfully?", "Check every character of both passwords is readable.");
    }

    private async Task PurgeAsync()
    {
        var flow = _flow!;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<GatewayUnits>().MarkLabeledAsync(flow.Unit!.Mac, flow.Unit.AttemptId, Stopping);
        }
        catch (Exception ex) when (ex is HttpRequestException or GatewayException or TaskCanceledException && !Stopping.IsCancellationRequested)
        {
            LogPurgeFailed(logger, flow.Unit!.Mac, ex.Message);
            lock (_lock) SetPhase(Phases.PurgeFailed, "Could not delete the credentials. Try again?", ex.Message);
            return;
        }
        LogLabeled(logger, flow.Unit.Mac, flow.Unit.Serial);
        lock (_lock)
        {
            Record(flow.Unit.Mac, flow.Unit.Serial, "labeled", null);
            Finish("labeled", "Done — credentials deleted")();
        }
        StartNext();
    }

    private async Task ReprintAsync(string reason)
    {
        var unit = _flow!.Unit!;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(Stopping))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await bus.Publish(new LabelReprinted { Mac = unit.Mac, Serial = unit.Serial, Reason = reason, StationId = Options.StationId, At = clock.GetUtcNow() }, timeout.Token);
            }
            catch (OperationCanceledException) when (!Stopping.IsCancellationRequested)
            {
                LogReprintNotPublished(logger, unit.Mac);
            }
        }
        LogReprint(logger, unit.Mac, reason);
        lock (_lock)
        {
            Record(unit.Mac, unit.Serial, "reprint", reason);
            SetPhase(Phases.AskPrint, $"Print label for unit {unit.Serial}?", $"Reprint recorded ({reason}). The credentials are kept.");
        }
    }

    private Func<Task>? Enter(string phase, string prompt, Func<Task>? work)
    {
        SetPhase(phase, prompt, null);
        return work ?? (() => Task.CompletedTask);
    }

    /// <summary>Ends the flow (under the lock): the passwords and the preview go, the result stays on screen.</summary>
    private Func<Task> Finish(string outcome, string message)
    {
        var flow = _flow;
        if (outcome is "skipped" or "error" && flow is not null)
            Record(flow.Unit?.Mac ?? flow.Macs[0], flow.Unit?.Serial, outcome, message);
        _last = new StationResult(outcome, message, flow?.Unit?.Serial, clock.GetUtcNow());
        _flow = null;
        _preview = _maskedPreview = null;
        SetPhase(Phases.Idle, null, null);
        return () =>
        {
            StartNext();
            return Task.CompletedTask;
        };
    }

    private void Record(string mac, string? serial, string outcome, string? detail)
    {
        _history.AddFirst(new HistoryEntry(clock.GetUtcNow(), mac, serial, outcome, detail));
        while (_history.Count > Options.HistorySize) _history.RemoveLast();
    }

    private void SetPhase(string phase, string? prompt, string? note)
    {
        _phase = phase;
        _prompt = prompt;
        _note = note;
        Touch();
    }

    private void Touch()
    {
        _version++;
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private StationView Snapshot()
    {
        var printerState = monitor.Last;
        return new StationView(_version, _phase, _prompt, _note, _flow?.Unit?.Serial, _flow?.Unit?.Mac ?? _flow?.Macs[0],
            _preview is null ? null : _previewVersion, _queue.ToList(),
            new PrinterView(printerState?.State ?? "unknown", printerState?.Describe() ?? "Checking the printer…"),
            _last, _history.ToList());
    }

    private void Run(Func<Task> work) => _ = Task.Run(async () =>
    {
        try
        {
            await work();
        }
        catch (Exception) when (Stopping.IsCancellationRequested)
        {
            // Shutting down mid-flow: the unit keeps its credentials and is labeled on the next plug-in.
        }
        catch (Exception ex)
        {
            // Messages of our own exceptions carry no secrets; anything else is logged by type only.
            LogFlowFailed(logger, ex.GetType().Name);
            lock (_lock) Finish("error", "Something went wrong — replug the unit to try again")();
            StartNext();
        }
    });

    private static string Normalize(string mac) => new string(mac.Where(Uri.IsHexDigit).Select(char.ToLowerInvariant).ToArray()) switch
    {
        { Length: 12 } hex => string.Join(":", Enumerable.Range(0, 6).Select(i => hex.Substring(i * 2, 2))),
        _ => "",
    };

    [LoggerMessage(LogLevel.Debug, "Arrival of {Macs} ignored: already current or queued")]
    private static partial void LogDuplicateArrival(ILogger logger, string macs);
    [LoggerMessage(LogLevel.Warning, "Lookup of {Macs} failed: {Reason}")]
    private static partial void LogLookupFailed(ILogger logger, string macs, string reason);
    [LoggerMessage(LogLevel.Information, "Unit {Mac} refused: status {Status}")]
    private static partial void LogRefused(ILogger logger, string mac, string status);
    [LoggerMessage(LogLevel.Warning, "Label for {Mac} not printed: {Reason}")]
    private static partial void LogPrintFailed(ILogger logger, string mac, string reason);
    [LoggerMessage(LogLevel.Information, "Label for {Mac} (serial {Serial}) sent to the printer")]
    private static partial void LogPrinted(ILogger logger, string mac, string? serial);
    [LoggerMessage(LogLevel.Warning, "Credentials of {Mac} not deleted: {Reason}")]
    private static partial void LogPurgeFailed(ILogger logger, string mac, string reason);
    [LoggerMessage(LogLevel.Information, "Unit {Mac} (serial {Serial}) labeled; credentials deleted")]
    private static partial void LogLabeled(ILogger logger, string mac, string? serial);
    [LoggerMessage(LogLevel.Information, "Reprint of {Mac} requested: {Reason}")]
    private static partial void LogReprint(ILogger logger, string mac, string reason);
    [LoggerMessage(LogLevel.Warning, "Reprint of {Mac} not published: the message broker did not answer")]
    private static partial void LogReprintNotPublished(ILogger logger, string mac);
    [LoggerMessage(LogLevel.Error, "Labeling flow failed with {ExceptionType}")]
    private static partial void LogFlowFailed(ILogger logger, string exceptionType);
}
