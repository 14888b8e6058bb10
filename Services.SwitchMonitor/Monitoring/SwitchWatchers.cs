using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.SwitchMonitor.Outbox;

namespace PrivateBox.Factory.Services.SwitchMonitor.Monitoring;

/// <summary>One watcher per configured switch, run side by side.</summary>
public sealed class SwitchWatchers(IOptions<SwitchMonitorOptions> options, AnnouncedStore store, EventOutbox outbox, TimeProvider clock, ILoggerFactory loggers)
    : BackgroundService
{
    public IReadOnlyList<SwitchWatcher> All { get; } = options.Value.Switches
        .Select(s => new SwitchWatcher(s, options.Value, store, outbox, clock, loggers.CreateLogger<SwitchWatcher>()))
        .ToList();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(All.Select(w => Task.Run(() => w.RunAsync(stoppingToken), stoppingToken)));

    public override void Dispose()
    {
        foreach (var w in All) w.Dispose();
        base.Dispose();
    }
}
