using System.Net;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.SwitchMonitor.Monitoring;
using PrivateBox.Factory.Services.SwitchMonitor.Snmp;

namespace PrivateBox.Factory.Services.SwitchMonitor.Traps;

/// <summary>
/// Listens for the switches' traps. linkUp/linkDown from a configured switch make it poll the named port at once;
/// anything malformed, from an unknown sender or with another community is logged and counted, never fatal.
/// </summary>
public sealed class TrapReceiver(IOptions<SwitchMonitorOptions> options, SwitchWatchers watchers, ILogger<TrapReceiver> logger) : BackgroundService
{
    private const string IfEntry = "1.3.6.1.2.1.2.2.1";
    private TrapListener? _listener;

    public long Received => _listener?.Received ?? 0;
    public long Dropped => (_listener?.Dropped ?? 0) + Interlocked.Read(ref _unknown);
    private long _unknown;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        _listener = new TrapListener(new IPEndPoint(IPAddress.Parse(o.TrapAddress), o.TrapPort), o.TrapCommunity, OnTrapAsync)
        {
            OnDropped = (source, reason) => logger.LogWarning("Dropped a datagram from {Source} on the trap port: {Reason}", source, reason),
            OnHandlerFailed = ex => logger.LogError(ex, "Handling a trap failed"),
        };
        logger.LogInformation("Receiving traps on {Endpoint}", _listener.LocalEndPoint);
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _listener!.RunAsync(stoppingToken);

    private ValueTask OnTrapAsync(TrapNotification trap)
    {
        var watcher = watchers.All.FirstOrDefault(w => w.Endpoint.Address.Equals(trap.Source.Address.IsIPv4MappedToIPv6 ? trap.Source.Address.MapToIPv4() : trap.Source.Address));
        if (watcher is null)
        {
            Interlocked.Increment(ref _unknown);
            logger.LogWarning("Dropped a trap from {Source}, which is not a configured switch", trap.Source);
            return ValueTask.CompletedTask;
        }
        if (trap.TrapOid is not (Oids.LinkUp or Oids.LinkDown)) return ValueTask.CompletedTask;
        var ifIndex = trap.VarBinds.Where(v => SnmpOid.IsUnder(v.Oid, IfEntry)).Select(v => SnmpOid.IndexAfter(v.Oid, IfEntry)).FirstOrDefault(i => i.Length == 2);
        if (ifIndex is null)
        {
            logger.LogWarning("A {Trap} trap from {Source} names no interface", trap.TrapOid, trap.Source);
            return ValueTask.CompletedTask;
        }
        logger.LogDebug("Trap {Trap} for ifIndex {IfIndex} from switch {SwitchId}", trap.TrapOid, ifIndex[1], watcher.Id);
        watcher.Trigger((int)ifIndex[1]);
        return ValueTask.CompletedTask;
    }

    public override void Dispose()
    {
        _listener?.Dispose();
        base.Dispose();
    }
}
