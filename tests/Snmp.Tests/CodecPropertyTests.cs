using CsCheck;

namespace PrivateBox.Factory.Snmp.Tests;

public class CodecPropertyTests
{
    [Fact]
    public void Every_value_type_round_trips() =>
        Generators.VarBind.Sample(vb =>
        {
            var message = new SnmpMessage(SnmpVersion.V2c, "public", new Pdu(PduType.Response, 7, 0, 0, [vb]));
            return SnmpCodec.Decode(SnmpCodec.Encode(message)).Pdu.VarBinds.Single().Equals(vb);
        }, iter: 20_000);

    [Fact]
    public void Every_message_kind_round_trips() =>
        Generators.Message.Sample(m =>
        {
            var decoded = SnmpCodec.Decode(SnmpCodec.Encode(m));
            return decoded.Version == m.Version && decoded.Community == m.Community && decoded.Pdu.Equals(m.Pdu);
        }, iter: 5_000);

    [Fact]
    public void Random_datagrams_never_escape_as_unhandled_exceptions() =>
        Gen.Byte.Array[0, 600].Sample(bytes => { SnmpCodec.TryDecode(bytes, out _); }, iter: 100_000);

    [Fact]
    public void Mutated_valid_datagrams_never_escape_as_unhandled_exceptions()
    {
        var mutated = Gen.Select(Generators.Message, Gen.Int[0, int.MaxValue].Array[1, 6], Gen.Byte.Array[1, 6], Gen.Int[0, 3])
            .Select((m, positions, bytes, cut) =>
            {
                var data = SnmpCodec.Encode(m);
                for (var i = 0; i < positions.Length; i++) data[positions[i] % data.Length] = bytes[i % bytes.Length];
                return cut == 0 ? data[..(positions[0] % data.Length)] : data;
            });
        var decoded = 0;
        mutated.Sample(data => { if (SnmpCodec.TryDecode(data, out _)) Interlocked.Increment(ref decoded); }, iter: 100_000);
        Assert.InRange(decoded, 1, 99_999); // some mutations stay valid, most do not: both paths were exercised
    }

    [Fact]
    public void Agent_answers_every_random_datagram_without_throwing()
    {
        var view = new MibView(Enumerable.Range(1, 24).Select(i => new VarBind($"1.3.6.1.2.1.2.2.1.8.{i}", SnmpValue.Int(1))));
        using var agent = new SnmpAgent(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), "public", view);
        Generators.Message.Sample(m =>
        {
            var data = SnmpCodec.Encode(m with { Community = "public" });
            agent.Answer(data);
            agent.Answer(data.AsSpan(0, data.Length / 2).ToArray());
        }, iter: 20_000);
    }
}
