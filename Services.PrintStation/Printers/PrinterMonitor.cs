using MassTransit;
using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.Services.PrintStation.Printers;

/// <summary>
/// Checks the printer, keeps its last state for the kiosk, and publishes <see cref="PrinterStatusChanged"/>
/// at start and whenever a check's result differs from the last.
/// </summary>
public sealed class PrinterMonitor(ILabelPrinter printer, IBus bus, TimeProvider clock, IOptions<PrintStationOptions> options, ILogger<PrinterMonitor> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PrinterState? _last;

    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PrinterState? Last => _last;

    /// <summary>Completes at the next change of state.</summary>
    public Task NextChange => _changed.Task;

    public async Task<PrinterState> CheckAsync(CancellationToken ct)
    {
        var state = await printer.CheckAsync(ct);
        await _gate.WaitAsync(ct);
        try
        {
            if (state == _last) return state;
            _last = state;
        }
        finally
        {
            _gate.Release();
        }
        logger.LogInformation("Printer {Printer} is {State} {Detail}", printer.Description, state.State, state.Detail);
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        await PublishAsync(state, ct);
        return state;
    }

    private async Task PublishAsync(PrinterState state, CancellationToken ct)
    {
        // A publish waits forever while the broker is down; the kiosk must not.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await bus.Publish(new PrinterStatusChanged
            {
                StationId = options.Value.StationId,
                State = state.State,
                Detail = state.Detail,
                CheckedAt = clock.GetUtcNow(),
            }, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Printer status {State} not published: the message broker did not answer", state.State);
        }
    }
}

/// <summary>Checks the printer at start and every <see cref="PrinterOptions.CheckInterval"/>.</summary>
public sealed class PrinterWatch(PrinterMonitor monitor, IOptions<PrintStationOptions> options, ILogger<PrinterWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Printer.CheckInterval);
        do
        {
            try
            {
                await monitor.CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Printer check failed");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
