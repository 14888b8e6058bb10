using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PrivateBox.Factory.Services.SwitchMonitor.Snmp;

namespace PrivateBox.Factory.SwitchMonitor.Tests.Peers;

/// <summary>
/// net-snmp's snmpd on loopback serving a 24-port switch through pass_persist from a state file this class edits;
/// traps are sent with net-snmp's snmptrap.
/// </summary>
public sealed class SnmpSwitch : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pb-snmpd-").FullName;
    private readonly Dictionary<int, (bool Up, string[] Macs)> _ports = [];
    private Process? _snmpd;
    private bool _qBridge = true;

    public int Port { get; } = FreeUdpPort();
    public string Self { get; } = "00:1b:3f:00:00:01";
    private string StatePath => Path.Combine(_dir, "state.json");

    public static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <param name="v1Only">Answer SNMP v1 only (an old agent): v2c requests get silence.</param>
    public static async Task<SnmpSwitch> StartAsync(bool qBridge = true, bool v1Only = false)
    {
        var sw = new SnmpSwitch { _qBridge = qBridge };
        sw.WriteState();
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "switch_mib.py");
        var access = v1Only
            ? """
              com2sec local 127.0.0.1 public
              group v1only v1 local
              view all included .1
              access v1only "" v1 noauth exact all none none
              """
            : "rocommunity public 127.0.0.1";
        await File.WriteAllTextAsync(Path.Combine(sw._dir, "snmpd.conf"), $"""
            {access}
            pass_persist -p 10 .1.3.6.1.2.1.2.2 /usr/bin/python3 {script} {sw.StatePath}
            pass_persist -p 10 .1.3.6.1.2.1.17 /usr/bin/python3 {script} {sw.StatePath}
            """);
        await sw.StartProcessAsync(v1Only ? SnmpVersion.V1 : SnmpVersion.V2c);
        return sw;
    }

    private async Task StartProcessAsync(SnmpVersion version)
    {
        var start = new ProcessStartInfo("/usr/sbin/snmpd", ["-f", "-C", "-c", Path.Combine(_dir, "snmpd.conf"), "-Lf", Path.Combine(_dir, "snmpd.log"),
            "-p", Path.Combine(_dir, "snmpd.pid"), $"udp:127.0.0.1:{Port}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SNMP_PERSISTENT_DIR"] = _dir;
        start.Environment["MIBS"] = "";
        start.Environment["MIBDIRS"] = "/dev/null";
        _snmpd = Process.Start(start)!;
        using var client = new SnmpClient(new IPEndPoint(IPAddress.Loopback, Port), "public", new SnmpClientOptions { Version = version, Timeout = TimeSpan.FromMilliseconds(300), Retries = 0, FallBackToV1 = false });
        for (var i = 0; i < 50; i++)
        {
            try
            {
                var answer = await client.GetAsync(["1.3.6.1.2.1.2.2.1.8.1"]);
                if (answer[0].Value.Type == SnmpType.Integer) return;
            }
            catch (TimeoutException) { }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"snmpd did not answer: {File.ReadAllText(Path.Combine(_dir, "snmpd.log"))}");
    }

    public void Plug(int port, params string[] macs) => Set(port, true, macs);
    public void Unplug(int port) => Set(port, false);

    public void Set(int port, bool up, params string[] macs)
    {
        lock (_ports) _ports[port] = (up, macs);
        WriteState();
    }

    private void WriteState()
    {
        object state;
        lock (_ports)
            state = new { portCount = 24, qbridge = _qBridge, self = Self, ports = _ports.ToDictionary(p => p.Key.ToString(), p => new { up = p.Value.Up, macs = p.Value.Macs }) };
        var temp = StatePath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(state));
        File.Move(temp, StatePath, overwrite: true);
    }

    /// <summary>Freezes the agent (SIGSTOP): the switch stops answering, as when it is cut off.</summary>
    public void Freeze() => Signal("STOP");
    public void Thaw() => Signal("CONT");

    private void Signal(string signal) => Process.Start("kill", [$"-{signal}", _snmpd!.Id.ToString()])!.WaitForExit();

    /// <summary>Sends a linkUp/linkDown trap with net-snmp's snmptrap (v1 or v2c) to <paramref name="trapPort"/>.</summary>
    public static async Task SendLinkTrapAsync(int trapPort, int ifIndex, bool up, string version = "2c", string community = "public")
    {
        string[] args = version == "1"
            ? ["-v", "1", "-c", community, $"127.0.0.1:{trapPort}", ".1.3.6.1.4.1.11.2.3.7.11", "127.0.0.1", up ? "3" : "2", "0", "",
                $".1.3.6.1.2.1.2.2.1.1.{ifIndex}", "i", ifIndex.ToString()]
            : ["-v", "2c", "-c", community, $"127.0.0.1:{trapPort}", "", up ? ".1.3.6.1.6.3.1.1.5.4" : ".1.3.6.1.6.3.1.1.5.3",
                $".1.3.6.1.2.1.2.2.1.1.{ifIndex}", "i", ifIndex.ToString(), $".1.3.6.1.2.1.2.2.1.8.{ifIndex}", "i", up ? "1" : "2"];
        var start = new ProcessStartInfo("snmptrap", ["-M", "/dev/null", "-m", "", .. args]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var trap = Process.Start(start)!;
        await trap.WaitForExitAsync();
        if (trap.ExitCode != 0) throw new InvalidOperationException($"snmptrap failed: {await trap.StandardError.ReadToEndAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_snmpd is { HasExited: false })
        {
            Thaw();
            _snmpd.Kill(entireProcessTree: true);
            await _snmpd.WaitForExitAsync();
        }
        _snmpd?.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
