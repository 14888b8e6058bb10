using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace PrivateBox.Factory.Snmp.Tests;

public class TrapListenerTests : IAsyncLifetime
{
    private readonly Channel<TrapNotification> _traps = Channel.CreateUnbounded<TrapNotification>();
    private readonly CancellationTokenSource _stop = new();
    private TrapListener _listener = null!;
    private readonly Socket _sender = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public Task InitializeAsync()
    {
        _listener = new TrapListener(new IPEndPoint(IPAddress.Loopback, 0), "public", t => _traps.Writer.WriteAsync(t));
        _ = _listener.RunAsync(_stop.Token);
        _sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return Task.CompletedTask;
    }

    private Task SendAsync(SnmpMessage m) => _sender.SendToAsync(SnmpCodec.Encode(m), _listener.LocalEndPoint);

    private static VarBind[] LinkUp(int port) =>
    [
        new("1.3.6.1.2.1.1.3.0", SnmpValue.TimeTicks(5)),
        new(TrapListener.SnmpTrapOid, SnmpValue.ObjectId("1.3.6.1.6.3.1.1.5.4")),
        new($"1.3.6.1.2.1.2.2.1.1.{port}", SnmpValue.Int(port)),
    ];

    [Fact]
    public async Task Inform_is_delivered_and_answered_with_the_same_request_id()
    {
        await SendAsync(new SnmpMessage(SnmpVersion.V2c, "public", new Pdu(PduType.InformRequest, 4242, 0, 0, LinkUp(21))));
        var trap = await _traps.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("1.3.6.1.6.3.1.1.5.4", trap.TrapOid);
        var buffer = new byte[2000];
        var n = await _sender.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(5));
        var ack = SnmpCodec.Decode(buffer.AsMemory(0, n)).Pdu;
        Assert.Equal((PduType.Response, 4242), (ack.Type, ack.RequestId));
    }

    [Fact]
    public async Task Garbage_and_wrong_community_are_counted_and_the_listener_keeps_going()
    {
        await _sender.SendToAsync(new byte[] { 0x30, 0x03, 0x02, 0x01 }, _listener.LocalEndPoint);
        await SendAsync(new SnmpMessage(SnmpVersion.V2c, "private", new Pdu(PduType.TrapV2, 1, 0, 0, LinkUp(3))));
        await SendAsync(new SnmpMessage(SnmpVersion.V2c, "public", new Pdu(PduType.GetRequest, 1, 0, 0, LinkUp(3))));
        await SendAsync(new SnmpMessage(SnmpVersion.V2c, "public", new Pdu(PduType.TrapV2, 2, 0, 0, LinkUp(22))));
        var trap = await _traps.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(22, trap.VarBinds[2].Value.Integer);
        Assert.Equal(3, _listener.Dropped);
        Assert.Equal(1, _listener.Received);
    }

    [Fact]
    public async Task V1_link_down_trap_arrives_as_the_v2_link_down_oid()
    {
        var header = new TrapV1Header("1.3.6.1.4.1.11.2.3.7.11", [127, 0, 0, 1], 2, 0, 100);
        await SendAsync(new SnmpMessage(SnmpVersion.V1, "public", new Pdu(PduType.TrapV1, 0, 0, 0, [new VarBind("1.3.6.1.2.1.2.2.1.1.5", SnmpValue.Int(5))], header)));
        var trap = await _traps.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(("1.3.6.1.6.3.1.1.5.3", SnmpVersion.V1), (trap.TrapOid, trap.Version));
    }

    public Task DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        _sender.Dispose();
        return Task.CompletedTask;
    }
}
