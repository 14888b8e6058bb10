using System.Net;
using System.Net.Sockets;

namespace PrivateBox.Factory.Services.SwitchMonitor.Snmp;

/// <summary>
/// The agent side: answers v1/v2c GET, GETNEXT and GETBULK from a <see cref="MibView"/> that can be swapped at
/// any time, and sends traps. Used by the simulated switch; wrong community is ignored, as net-snmp does.
/// </summary>
public sealed class SnmpAgent : IDisposable
{
    private const int MaxResponseBytes = 1400;
    private readonly Socket _socket;
    private readonly string _community;
    private volatile MibView _view;

    public SnmpAgent(IPEndPoint bind, string community, MibView view)
    {
        _community = community;
        _view = view;
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(bind);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;
    public MibView View { get => _view; set => _view = value; }
    public long Dropped { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        var buffer = new byte[65535];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try { result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (SocketException) { continue; }
            var answer = Answer(buffer.AsMemory(0, result.ReceivedBytes));
            if (answer is null) { Dropped++; continue; }
            try { await _socket.SendToAsync(answer, SocketFlags.None, result.RemoteEndPoint, ct); }
            catch (SocketException) { }
        }
    }

    /// <summary>The encoded response to one request datagram, or null when it gets no answer.</summary>
    public byte[]? Answer(ReadOnlyMemory<byte> datagram)
    {
        if (!SnmpCodec.TryDecode(datagram, out var request) || request!.Community != _community) return null;
        var pdu = request.Pdu;
        var view = _view;
        var v1 = request.Version == SnmpVersion.V1;
        List<VarBind> answers;
        switch (pdu.Type)
        {
            case PduType.GetRequest:
                answers = pdu.VarBinds.Select(v => v with { Value = view.Get(v.Oid) }).ToList();
                break;
            case PduType.GetNextRequest:
                answers = pdu.VarBinds.Select(v => view.GetNext(v.Oid) ?? v with { Value = SnmpValue.EndOfMibView }).ToList();
                break;
            case PduType.GetBulkRequest:
                answers = Bulk(view, pdu);
                break;
            default:
                return null;
        }
        if (v1)
        {
            // v1 has no exception values: the first one becomes noSuchName at its index.
            var bad = answers.FindIndex(v => v.Value.IsException);
            if (bad >= 0) return Respond(request, pdu with { Type = PduType.Response, ErrorStatus = (int)SnmpError.NoSuchName, ErrorIndex = bad + 1 });
        }
        var response = Respond(request, new Pdu(PduType.Response, pdu.RequestId, 0, 0, answers));
        while (response.Length > MaxResponseBytes && pdu.Type == PduType.GetBulkRequest && answers.Count > 1)
        {
            answers.RemoveRange(answers.Count / 2, answers.Count - answers.Count / 2);
            response = Respond(request, new Pdu(PduType.Response, pdu.RequestId, 0, 0, answers));
        }
        return response.Length > MaxResponseBytes
            ? Respond(request, pdu with { Type = PduType.Response, ErrorStatus = (int)SnmpError.TooBig, ErrorIndex = 0, VarBinds = [] })
            : response;
    }

    private static byte[] Respond(SnmpMessage request, Pdu pdu) => SnmpCodec.Encode(request with { Pdu = pdu });

    private static List<VarBind> Bulk(MibView view, Pdu pdu)
    {
        var nonRepeaters = Math.Clamp(pdu.ErrorStatus, 0, pdu.VarBinds.Count);
        var repetitions = Math.Clamp(pdu.ErrorIndex, 0, 100);
        var answers = new List<VarBind>();
        for (var i = 0; i < nonRepeaters; i++)
            answers.Add(view.GetNext(pdu.VarBinds[i].Oid) ?? pdu.VarBinds[i] with { Value = SnmpValue.EndOfMibView });
        var cursors = pdu.VarBinds.Skip(nonRepeaters).Select(v => v.Oid).ToArray();
        for (var r = 0; r < repetitions && cursors.Length > 0; r++)
        {
            var allEnded = true;
            for (var c = 0; c < cursors.Length; c++)
            {
                var next = view.GetNext(cursors[c]);
                if (next is null) { answers.Add(new VarBind(cursors[c], SnmpValue.EndOfMibView)); continue; }
                allEnded = false;
                answers.Add(next);
                cursors[c] = next.Oid;
            }
            if (allEnded) break;
        }
        return answers;
    }

    /// <summary>Sends an SNMPv2-Trap: sysUpTime.0, snmpTrapOID.0, then <paramref name="varBinds"/>.</summary>
    public Task SendTrapAsync(IPEndPoint target, string community, string trapOid, uint upTime, IEnumerable<VarBind> varBinds, CancellationToken ct = default) =>
        SendTrapAsync(_socket, target, community, trapOid, upTime, varBinds, ct);

    public static async Task SendTrapAsync(Socket socket, IPEndPoint target, string community, string trapOid, uint upTime, IEnumerable<VarBind> varBinds, CancellationToken ct = default)
    {
        VarBind[] all = [new("1.3.6.1.2.1.1.3.0", SnmpValue.TimeTicks(upTime)), new(TrapListener.SnmpTrapOid, SnmpValue.ObjectId(trapOid)), .. varBinds];
        var pdu = new Pdu(PduType.TrapV2, Random.Shared.Next(1, int.MaxValue), 0, 0, all);
        await socket.SendToAsync(SnmpCodec.Encode(new SnmpMessage(SnmpVersion.V2c, community, pdu)), SocketFlags.None, target, ct);
    }

    public void Dispose() => _socket.Dispose();
}
