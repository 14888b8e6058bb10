namespace PrivateBox.Factory.Snmp.Tests;

public class CodecWireTests
{
    private static byte[] Tlv(byte tag, params byte[][] content)
    {
        var body = content.SelectMany(c => c).ToArray();
        return [tag, (byte)body.Length, .. body];
    }

    private static readonly byte[] Public = "public"u8.ToArray();

    private static byte[] Response(byte[] varBind) =>
        Tlv(0x30, Tlv(0x02, [1]), Tlv(0x04, Public),
            Tlv(0xA2, Tlv(0x02, [9]), Tlv(0x02, [0]), Tlv(0x02, [0]), Tlv(0x30, Tlv(0x30, varBind))));

    private static readonly byte[] IfInOctets1 = Tlv(0x06, [0x2B, 6, 1, 2, 1, 2, 2, 1, 10, 1]);

    [Fact]
    public void Get_request_encodes_to_minimal_definite_length_ber()
    {
        // snmpget -v2c -c public HOST 1.3.6.1.2.1.1.3.0 with request-id 1.
        var expected = Convert.FromHexString("302602010104067075626C6963A019020101020100020100300E300C06082B060102010103000500");
        var message = new SnmpMessage(SnmpVersion.V2c, "public", new Pdu(PduType.GetRequest, 1, 0, 0, [VarBind.Request(".1.3.6.1.2.1.1.3.0")]));
        Assert.Equal(expected, SnmpCodec.Encode(message));
    }

    [Fact]
    public void Counter_without_its_leading_zero_octet_is_read_as_unsigned()
    {
        // Some agents send Counter32 4294967295 as 41 04 FF FF FF FF (no 00 pad before the set sign bit).
        var datagram = Response([.. IfInOctets1, .. Tlv(0x41, [0xFF, 0xFF, 0xFF, 0xFF])]);
        Assert.Equal(uint.MaxValue, SnmpCodec.Decode(datagram).Pdu.VarBinds[0].Value.Unsigned);
    }

    [Fact]
    public void Counter_wider_than_32_bits_is_a_decode_error()
    {
        var datagram = Response([.. IfInOctets1, .. Tlv(0x41, [0x01, 0xFF, 0xFF, 0xFF, 0xFF])]);
        Assert.False(SnmpCodec.TryDecode(datagram, out _));
    }

    [Fact]
    public void Integer_wider_than_32_bits_is_a_decode_error()
    {
        var datagram = Response([.. IfInOctets1, .. Tlv(0x02, [0x01, 0xFF, 0xFF, 0xFF, 0xFF])]);
        Assert.False(SnmpCodec.TryDecode(datagram, out _));
    }

    [Fact]
    public void Exception_values_decode_from_their_context_tags()
    {
        Assert.Equal(SnmpValue.NoSuchObject, SnmpCodec.Decode(Response([.. IfInOctets1, 0x80, 0])).Pdu.VarBinds[0].Value);
        Assert.Equal(SnmpValue.NoSuchInstance, SnmpCodec.Decode(Response([.. IfInOctets1, 0x81, 0])).Pdu.VarBinds[0].Value);
        Assert.Equal(SnmpValue.EndOfMibView, SnmpCodec.Decode(Response([.. IfInOctets1, 0x82, 0])).Pdu.VarBinds[0].Value);
    }

    [Fact]
    public void Snmp_v3_is_refused()
    {
        var datagram = Tlv(0x30, Tlv(0x02, [3]), Tlv(0x04, Public), Tlv(0xA0, Tlv(0x02, [1]), Tlv(0x02, [0]), Tlv(0x02, [0]), Tlv(0x30)));
        Assert.False(SnmpCodec.TryDecode(datagram, out _));
    }

    [Fact]
    public void V1_generic_traps_map_to_their_v2_notification_oids()
    {
        Assert.Equal("1.3.6.1.6.3.1.1.5.4", TrapListener.V1TrapOid(new TrapV1Header("1.3.6.1.4.1.11", [1, 2, 3, 4], 3, 0, 0)));
        Assert.Equal("1.3.6.1.6.3.1.1.5.3", TrapListener.V1TrapOid(new TrapV1Header("1.3.6.1.4.1.11", [1, 2, 3, 4], 2, 0, 0)));
        Assert.Equal("1.3.6.1.4.1.11.0.17", TrapListener.V1TrapOid(new TrapV1Header("1.3.6.1.4.1.11", [1, 2, 3, 4], 6, 17, 0)));
    }
}
