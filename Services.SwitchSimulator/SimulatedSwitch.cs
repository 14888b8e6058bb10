using System.Net;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.SwitchMonitor.Snmp;

namespace PrivateBox.Factory.Services.SwitchSimulator;

/// <summary>
/// The switch's ports and learned MACs, served by an SNMP agent as IF-MIB, BRIDGE-MIB and Q-BRIDGE-MIB tables.
/// Plugging a port brings its link up, learns the MAC (as if the unit sent a frame at once) and sends linkUp.
/// </summary>
public sealed class SimulatedSwitch(IOptions<SimulatorOptions> options, ILogger<SimulatedSwitch> logger) : BackgroundService
{
    private readonly SimulatorOptions _o = options.Value;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, SortedSet<string>> _macs = [];
    private readonly HashSet<int> _up = [];
    private readonly long _started = Environment.TickCount64;
    private SnmpAgent? _agent;

    public record PortView(int Port, bool Up, IReadOnlyList<string> Macs);

    public IReadOnlyList<PortView> Ports()
    {
        lock (_lock)
            return Enumerable.Range(1, _o.PortCount).Select(p => new PortView(p, _up.Contains(p), _macs.GetValueOrDefault(p)?.ToList() ?? [])).ToList();
    }

    public bool HasPort(int port) => port >= 1 && port <= _o.PortCount;

    public async Task PlugAsync(int port, string mac)
    {
        lock (_lock)
        {
            foreach (var set in _macs.Values) set.Remove(mac); // a MAC lives on one port
            (_macs.TryGetValue(port, out var set2) ? set2 : _macs[port] = []).Add(mac);
            _up.Add(port);
            Publish();
        }
        await TrapAsync(port, up: true);
    }

    public async Task UnplugAsync(int port)
    {
        lock (_lock)
        {
            _up.Remove(port);
            _macs.Remove(port);
            Publish();
        }
        await TrapAsync(port, up: false);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _agent = new SnmpAgent(new IPEndPoint(IPAddress.Loopback, _o.SnmpPort), _o.Community, new MibView([]));
        lock (_lock) Publish();
        logger.LogInformation("Simulated {Ports}-port switch answering SNMP on {Endpoint}, traps to {Target}", _o.PortCount, _agent.LocalEndPoint, _o.TrapTarget);
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _agent!.RunAsync(stoppingToken);

    private uint UpTime => (uint)((Environment.TickCount64 - _started) / 10);

    private async Task TrapAsync(int port, bool up)
    {
        VarBind[] binds =
        [
            new($"1.3.6.1.2.1.2.2.1.1.{port}", SnmpValue.Int(port)),
            new($"1.3.6.1.2.1.2.2.1.7.{port}", SnmpValue.Int(1)),
            new($"1.3.6.1.2.1.2.2.1.8.{port}", SnmpValue.Int(up ? 1 : 2)),
        ];
        await _agent!.SendTrapAsync(IPEndPoint.Parse(_o.TrapTarget), _o.Community, up ? "1.3.6.1.6.3.1.1.5.4" : "1.3.6.1.6.3.1.1.5.3", UpTime, binds);
    }

    // Called under _lock: builds a fresh view and swaps it in; the agent serves the old one until then.
    private void Publish()
    {
        if (_agent is null) return;
        var rows = new List<VarBind>
        {
            new("1.3.6.1.2.1.1.1.0", SnmpValue.Text("PrivateBox simulated ProCurve J9021A 2810-24G")),
            new("1.3.6.1.2.1.1.3.0", SnmpValue.TimeTicks(UpTime)),
            new("1.3.6.1.2.1.17.4.2.0", SnmpValue.Int(300)),
        };
        for (var p = 1; p <= _o.PortCount; p++)
        {
            rows.Add(new($"1.3.6.1.2.1.2.2.1.1.{p}", SnmpValue.Int(p)));
            rows.Add(new($"1.3.6.1.2.1.2.2.1.2.{p}", SnmpValue.Text(p.ToString())));
            rows.Add(new($"1.3.6.1.2.1.2.2.1.8.{p}", SnmpValue.Int(_up.Contains(p) ? 1 : 2)));
            rows.Add(new($"1.3.6.1.2.1.31.1.1.1.1.{p}", SnmpValue.Text(p.ToString())));
            rows.Add(new($"1.3.6.1.2.1.17.1.4.1.2.{p}", SnmpValue.Int(p)));
        }
        var fdb = _macs.SelectMany(kv => kv.Value.Select(mac => (Mac: mac, Port: kv.Key, Status: 3))).Append((Mac: _o.OwnMac, Port: 0, Status: 4));
        foreach (var (mac, port, status) in fdb)
        {
            var index = string.Join('.', mac.Split(':').Select(b => Convert.ToByte(b, 16)));
            rows.Add(new($"1.3.6.1.2.1.17.4.3.1.1.{index}", SnmpValue.Octets(Convert.FromHexString(mac.Replace(":", "")))));
            rows.Add(new($"1.3.6.1.2.1.17.4.3.1.2.{index}", SnmpValue.Int(port)));
            rows.Add(new($"1.3.6.1.2.1.17.4.3.1.3.{index}", SnmpValue.Int(status)));
            rows.Add(new($"1.3.6.1.2.1.17.7.1.2.2.1.2.1.{index}", SnmpValue.Int(port)));
            rows.Add(new($"1.3.6.1.2.1.17.7.1.2.2.1.3.1.{index}", SnmpValue.Int(status)));
        }
        _agent.View = new MibView(rows);
    }

    public override void Dispose()
    {
        _agent?.Dispose();
        base.Dispose();
    }
}
