using System.Collections.Concurrent;
using System.Net;
using PrivateBox.Factory.Services.SwitchMonitor.Outbox;
using PrivateBox.Factory.Services.SwitchMonitor.Snmp;

namespace PrivateBox.Factory.Services.SwitchMonitor.Monitoring;

/// <summary>
/// Polls one switch: each port on its own schedule (station ports often, build ports less, a port whose link just
/// came up every second until a MAC shows), and at once when a trap names it. Events go to the outbox.
/// </summary>
public sealed class SwitchWatcher : IDisposable
{
    private readonly SwitchOptions _switch;
    private readonly SwitchMonitorOptions _options;
    private readonly AnnouncedStore _store;
    private readonly EventOutbox _outbox;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SnmpClient _client;
    private readonly SwitchReader _reader;
    private readonly ConcurrentQueue<int> _triggered = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Lock _lock = new();
    private readonly HashSet<string> _ignored;
    private readonly DateTimeOffset _startedAt;
    private int _polls;

    public SwitchWatcher(SwitchOptions sw, SwitchMonitorOptions options, AnnouncedStore store, EventOutbox outbox, TimeProvider clock, ILogger logger)
    {
        _switch = sw;
        _options = options;
        _store = store;
        _outbox = outbox;
        _clock = clock;
        _logger = logger;
        _startedAt = clock.GetUtcNow();
        Endpoint = new IPEndPoint(ResolveAddress(sw.Address), sw.Port);
        _client = new SnmpClient(Endpoint, sw.Community, new SnmpClientOptions { Version = sw.Version, Timeout = options.Timeout, Retries = options.Retries });
        _reader = new SwitchReader(_client);
        _ignored = sw.IgnoredMacs.Select(MacText.Normalize).ToHashSet();
        var announced = store.Load().GetValueOrDefault(sw.Id) ?? [];
        var ports = Enumerable.Range(1, sw.PortCount).ToDictionary(p => p, p => new PortState(p, p, sw.RoleOf(p))
        {
            Announced = announced.GetValueOrDefault(p)?.ToHashSet() ?? [],
            NextPollAt = _startedAt,
        });
        Tracker = new PortTracker(sw.Id, ports, options);
    }

    public string Id => _switch.Id;
    public IPEndPoint Endpoint { get; }
    public PortTracker Tracker { get; }
    public DateTimeOffset? LastPollAt { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>No successful poll for three station intervals (or since start).</summary>
    public bool Unreachable => _clock.GetUtcNow() - (LastPollAt ?? _startedAt) > 3 * _options.StationPollInterval;

    public string State => LastError is null && LastPollAt is not null ? "Healthy" : Unreachable ? "Unreachable" : "Degraded";

    /// <summary>A trap named this ifIndex: poll its port now.</summary>
    public void Trigger(int ifIndex)
    {
        _triggered.Enqueue(ifIndex);
        _wake.Release();
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var now = _clock.GetUtcNow();
            var trapPorts = new HashSet<int>();
            while (_triggered.TryDequeue(out var ifIndex))
                if (Tracker.Ports.Values.FirstOrDefault(p => p.IfIndex == ifIndex) is { } p) trapPorts.Add(p.Port);
            var due = Tracker.Ports.Values.Where(p => p.NextPollAt <= now || trapPorts.Contains(p.Port)).ToList();
            if (due.Count > 0) await PollAsync(due, trapPorts, ct);
            var wait = Tracker.Ports.Values.Min(p => p.NextPollAt) - _clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try { await _wake.WaitAsync(wait, ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task PollAsync(List<PortState> due, HashSet<int> trapPorts, CancellationToken ct)
    {
        try
        {
            if (_polls++ % 60 == 0)
            {
                var basePorts = await _reader.ReadBasePortsAsync(ct);
                lock (_lock)
                    foreach (var (port, ifIndex) in basePorts)
                        if (Tracker.Ports.TryGetValue(port, out var p)) p.IfIndex = ifIndex;
            }
            var links = await _reader.ReadLinksAsync(due.Select(p => p.IfIndex).ToList(), ct);
            var needMacs = due.Any(p => links[p.IfIndex] && p.Watched);
            var table = needMacs ? await _reader.ReadMacTableAsync(ct) : [];
            var now = _clock.GetUtcNow();
            var events = new List<object>();
            var changed = false;
            lock (_lock)
            {
                foreach (var port in due)
                {
                    if (trapPorts.Contains(port.Port)) port.TrapTriggered = true;
                    var macs = table.GetValueOrDefault(port.Port)?.Where(m => !_ignored.Contains(m)).ToHashSet() ?? [];
                    var (e, c) = Tracker.Observe(port.Port, links[port.IfIndex], macs, now, trapPorts.Contains(port.Port) ? DetectionSource.Trap : DetectionSource.Poll);
                    events.AddRange(e);
                    changed |= c;
                }
                LastPollAt = now;
                LastError = null;
            }
            // Events are stored before the announced MACs: a crash in between repeats an event rather than losing it.
            _outbox.Add(events);
            if (changed) _store.Save(Id, Tracker.Ports.Values);
            foreach (var e in events)
            {
                if (e is PortLinkedUp up)
                    _logger.LogInformation("Switch {SwitchId} port {Port} ({Role}): arrival of {Macs} by {Source}", Id, up.Port, up.Role, string.Join(",", up.Macs), up.Source);
                else if (e is PortLinkedDown down)
                    _logger.LogInformation("Switch {SwitchId} port {Port} ({Role}): link down", Id, down.Port, down.Role);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or SnmpErrorException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            if (LastError is null) _logger.LogWarning("Switch {SwitchId} at {Address} did not answer: {Error}", Id, Endpoint, ex.Message);
            LastError = ex.Message;
            foreach (var port in due) if (trapPorts.Contains(port.Port)) port.TrapTriggered = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Anything else (an answer the codec cannot read, state that cannot be saved) costs this poll, never the
            // watcher: it logs, shows the error in the switch status, and polls again.
            _logger.LogError(ex, "Switch {SwitchId}: poll failed; polling again", Id);
            LastError = ex.Message;
            foreach (var port in due) if (trapPorts.Contains(port.Port)) port.TrapTriggered = true;
        }
        var after = _clock.GetUtcNow();
        foreach (var port in due) port.NextPollAt = after + IntervalOf(port, after);
    }

    private TimeSpan IntervalOf(PortState port, DateTimeOffset now)
    {
        var interval = port.Role is PortRole.Label or PortRole.Debug ? _options.StationPollInterval : _options.BuildPollInterval;
        if (port.FastUntil > now) interval = _options.FastPollInterval;
        if (port.DownPending && port.DownSince is { } since)
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks, Math.Max((since + _options.FlapWindow - now).Ticks, _options.FastPollInterval.Ticks)));
        return interval;
    }

    public SwitchStatus Status()
    {
        lock (_lock)
        {
            return new SwitchStatus
            {
                SwitchId = Id, Address = _switch.Address, State = State, LastPollAt = LastPollAt, LastError = LastError,
                Ports = Tracker.Ports.Values.OrderBy(p => p.Port).Select(p => new PortStatus
                {
                    Port = p.Port, IfIndex = p.IfIndex, Role = p.Role, Link = p.Link, Macs = p.Macs.Order().ToList(), ChangedAt = p.ChangedAt,
                }).ToList(),
            };
        }
    }

    private static IPAddress ResolveAddress(string address) =>
        IPAddress.TryParse(address, out var ip) ? ip : Dns.GetHostAddresses(address).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);

    public void Dispose() => _client.Dispose();
}
