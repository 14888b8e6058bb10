using System.Net;
using System.Net.Sockets;

namespace PrivateBox.Factory.Snmp.Tests;

/// <summary>Our manager against our agent on loopback: request-id matching, timeouts, walks, v1.</summary>
public class ClientAgentTests : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SnmpAgent _agent;

    public ClientAgentTests()
    {
        var rows = Enumerable.Range(1, 24).SelectMany(i => new[]
        {
            new VarBind($"1.3.6.1.2.1.2.2.1.1.{i}", SnmpValue.Int(i)),
            new VarBind($"1.3.6.1.2.1.2.2.1.8.{i}", SnmpValue.Int(i % 2 == 0 ? 1 : 2)),
        }).Append(new VarBind("1.3.6.1.2.1.1.3.0", SnmpValue.TimeTicks(12345)));
        _agent = new SnmpAgent(new IPEndPoint(IPAddress.Loopback, 0), "public", new MibView(rows));
        _ = _agent.RunAsync(_stop.Token);
    }

    private SnmpClient Client(SnmpVersion version = SnmpVersion.V2c, string community = "public") =>
        new(_agent.LocalEndPoint, community, new SnmpClientOptions { Version = version, Timeout = TimeSpan.FromMilliseconds(300), Retries = 1, MaxRepetitions = 7 });

    [Fact]
    public async Task Walk_returns_every_row_of_a_column_in_order()
    {
        using var client = Client();
        var rows = await client.WalkAsync("1.3.6.1.2.1.2.2.1.8").ToListAsync();
        Assert.Equal(Enumerable.Range(1, 24).Select(i => $"1.3.6.1.2.1.2.2.1.8.{i}"), rows.Select(r => r.Oid));
    }

    [Fact]
    public async Task V1_walk_uses_getnext_and_stops_at_no_such_name()
    {
        using var client = Client(SnmpVersion.V1);
        var rows = await client.WalkAsync("1.3.6.1.2.1.2.2.1.8").ToListAsync();
        Assert.Equal(24, rows.Count);
        Assert.Equal(1, (await client.GetAsync(["1.3.6.1.2.1.2.2.1.8.2"]))[0].Value.Integer);
    }

    [Fact]
    public async Task Get_of_missing_instance_and_object_gets_the_v2_exceptions()
    {
        using var client = Client();
        var answer = await client.GetAsync(["1.3.6.1.2.1.2.2.1.8.99", "1.3.6.1.4.1.9.9"]);
        Assert.Equal(SnmpValue.NoSuchInstance, answer[0].Value);
        Assert.Equal(SnmpValue.NoSuchObject, answer[1].Value);
    }

    [Fact]
    public async Task V1_get_of_missing_instance_is_a_no_such_name_error()
    {
        using var client = Client(SnmpVersion.V1);
        var error = await Assert.ThrowsAsync<SnmpErrorException>(() => client.GetAsync(["1.3.6.1.2.1.2.2.1.8.99"]));
        Assert.Equal(SnmpError.NoSuchName, error.Status);
    }

    [Fact]
    public async Task Wrong_community_times_out_after_the_retries()
    {
        using var client = Client(community: "private");
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<TimeoutException>(() => client.GetAsync(["1.3.6.1.2.1.1.3.0"]));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(550), "gave up before its retries");
    }

    // How long the retries take is a matter of timers on a busy machine; that they stop is counted here instead.
    [Fact]
    public async Task A_silent_agent_gets_each_configured_attempt_and_then_a_v1_try_and_no_more()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var received = new System.Collections.Concurrent.ConcurrentQueue<SnmpVersion>();
        _ = Task.Run(async () =>
        {
            var buffer = new byte[2000];
            while (true)
            {
                var datagram = await silent.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
                received.Enqueue(SnmpCodec.Decode(buffer.AsMemory(0, datagram.ReceivedBytes)).Version);
            }
        });
        using var client = new SnmpClient((IPEndPoint)silent.LocalEndPoint!, "public",
            new SnmpClientOptions { Timeout = TimeSpan.FromMilliseconds(300), Retries = 1 });

        await Assert.ThrowsAsync<TimeoutException>(() => client.GetAsync(["1.3.6.1.2.1.1.3.0"]));

        for (var i = 0; i < 100 && received.Count < 3; i++) await Task.Delay(100);
        Assert.Equal([SnmpVersion.V2c, SnmpVersion.V2c, SnmpVersion.V1], received.ToArray());
    }

    [Fact]
    public async Task Answer_with_another_request_id_is_skipped()
    {
        // A fake agent that first answers with a stale request id, then with the right one.
        using var fake = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        fake.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new SnmpClient((IPEndPoint)fake.LocalEndPoint!, "public");
        var request = client.GetAsync(["1.3.6.1.2.1.1.3.0"]);
        var buffer = new byte[2000];
        var received = await fake.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
        var pdu = SnmpCodec.Decode(buffer.AsMemory(0, received.ReceivedBytes)).Pdu;
        foreach (var (id, ticks) in new[] { (pdu.RequestId - 1, 1u), (pdu.RequestId, 2u) })
        {
            var answer = new Pdu(PduType.Response, id, 0, 0, [new VarBind("1.3.6.1.2.1.1.3.0", SnmpValue.TimeTicks(ticks))]);
            await fake.SendToAsync(SnmpCodec.Encode(new SnmpMessage(SnmpVersion.V2c, "public", answer)), received.RemoteEndPoint);
        }
        Assert.Equal(2u, (await request)[0].Value.Unsigned);
        Assert.Equal(1, client.Skipped);
    }

    [Fact]
    public async Task Error_status_in_a_response_is_raised()
    {
        using var fake = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        fake.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new SnmpClient((IPEndPoint)fake.LocalEndPoint!, "public");
        var request = client.GetAsync(["1.3.6.1.2.1.1.3.0"]);
        var buffer = new byte[2000];
        var received = await fake.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
        var pdu = SnmpCodec.Decode(buffer.AsMemory(0, received.ReceivedBytes)).Pdu;
        var answer = pdu with { Type = PduType.Response, ErrorStatus = (int)SnmpError.GenErr, ErrorIndex = 1 };
        await fake.SendToAsync(SnmpCodec.Encode(new SnmpMessage(SnmpVersion.V2c, "public", answer)), received.RemoteEndPoint);
        Assert.Equal(SnmpError.GenErr, (await Assert.ThrowsAsync<SnmpErrorException>(() => request)).Status);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _agent.Dispose();
    }
}
