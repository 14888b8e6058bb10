using System.Net;
using System.Net.Sockets;

namespace PrivateBox.Factory.Services.SwitchMonitor.Snmp;

/// <summary>A notification as received: v1 traps are translated to their v2 trap OID (RFC 3584).</summary>
public sealed record TrapNotification(IPEndPoint Source, SnmpVersion Version, PduType Type, string TrapOid, IReadOnlyList<VarBind> VarBinds);

/// <summary>
/// Receives v1 Trap-PDUs, v2c SNMPv2-Traps and InformRequests (answered with a Response) on one UDP socket.
/// A datagram that is malformed, not a notification or carries another community is counted and dropped;
/// neither bad input nor a failing handler stops the listener.
/// </summary>
public sealed class TrapListener : IDisposable
{
    public const string SnmpTrapOid = "1.3.6.1.6.3.1.1.4.1.0";
    private const string SnmpTraps = "1.3.6.1.6.3.1.1.5";
    private readonly Socket _socket;
    private readonly string _community;
    private readonly Func<TrapNotification, ValueTask> _handler;
    private long _received;
    private long _dropped;

    public TrapListener(IPEndPoint bind, string community, Func<TrapNotification, ValueTask> handler)
    {
        _community = community;
        _handler = handler;
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(bind);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;
    public long Received => Interlocked.Read(ref _received);
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Called with the sender and the reason for every dropped datagram.</summary>
    public Action<EndPoint, string>? OnDropped { get; set; }

    /// <summary>Called when the handler throws; the notification counts as received.</summary>
    public Action<Exception>? OnHandlerFailed { get; set; }

    public async Task RunAsync(CancellationToken ct)
    {
        var buffer = new byte[65535];
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // e.g. ICMP errors reported on a UDP socket; the listener carries on
            }
            await HandleAsync(buffer.AsMemory(0, result.ReceivedBytes), (IPEndPoint)result.RemoteEndPoint, ct);
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> datagram, IPEndPoint source, CancellationToken ct)
    {
        if (!SnmpCodec.TryDecode(datagram, out var message)) { Drop(source, "malformed"); return; }
        if (message!.Community != _community) { Drop(source, "wrong community"); return; }
        var pdu = message.Pdu;
        string? trapOid = pdu.Type switch
        {
            PduType.TrapV1 => V1TrapOid(pdu.Trap!),
            PduType.TrapV2 or PduType.InformRequest => pdu.VarBinds.FirstOrDefault(v => v.Oid == SnmpTrapOid)?.Value.Oid,
            _ => null,
        };
        if (trapOid is null) { Drop(source, pdu.Type is PduType.TrapV2 or PduType.InformRequest ? "no snmpTrapOID" : $"not a notification ({pdu.Type})"); return; }
        if (pdu.Type == PduType.InformRequest)
        {
            var response = new SnmpMessage(message.Version, message.Community, pdu with { Type = PduType.Response, ErrorStatus = 0, ErrorIndex = 0 });
            try { await _socket.SendToAsync(SnmpCodec.Encode(response), SocketFlags.None, source, ct); }
            catch (SocketException) { }
        }
        Interlocked.Increment(ref _received);
        try
        {
            await _handler(new TrapNotification(source, message.Version, pdu.Type, trapOid, pdu.VarBinds));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            OnHandlerFailed?.Invoke(ex);
        }
    }

    /// <summary>RFC 3584 3.1: generic traps 0-5 map to snmpTraps.(generic+1); enterprise ones to enterprise.0.specific.</summary>
    public static string V1TrapOid(TrapV1Header trap) =>
        trap.GenericTrap is >= 0 and < 6 ? $"{SnmpTraps}.{trap.GenericTrap + 1}" : $"{trap.Enterprise}.0.{trap.SpecificTrap}";

    private void Drop(EndPoint source, string reason)
    {
        Interlocked.Increment(ref _dropped);
        OnDropped?.Invoke(source, reason);
    }

    public void Dispose() => _socket.Dispose();
}
