using System.Formats.Asn1;
using System.Text;

namespace PrivateBox.Factory.Services.SwitchMonitor.Snmp;

/// <summary>BER encoding and decoding of SNMP v1/v2c messages on System.Formats.Asn1.</summary>
public static class SnmpCodec
{
    // The community is an opaque octet string; Latin-1 keeps every byte as one char.
    private static readonly Encoding CommunityEncoding = Encoding.Latin1;

    public static byte[] Encode(SnmpMessage message)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteInteger((int)message.Version);
            writer.WriteOctetString(CommunityEncoding.GetBytes(message.Community));
            WritePdu(writer, message.Pdu);
        }
        return writer.Encode();
    }

    public static SnmpMessage Decode(ReadOnlyMemory<byte> datagram)
    {
        try
        {
            var reader = new AsnReader(datagram, AsnEncodingRules.BER);
            var message = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            if (!message.TryReadInt32(out var version) || version is not (0 or 1))
                throw new SnmpDecodeException("Only SNMP v1 and v2c are spoken.");
            var community = CommunityEncoding.GetString(message.ReadOctetString());
            var pdu = ReadPdu(message, (SnmpVersion)version);
            message.ThrowIfNotEmpty();
            return new SnmpMessage((SnmpVersion)version, community, pdu);
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentException or FormatException or OverflowException)
        {
            throw new SnmpDecodeException($"Malformed SNMP message: {ex.Message}", ex);
        }
    }

    public static bool TryDecode(ReadOnlyMemory<byte> datagram, out SnmpMessage? message)
    {
        try
        {
            message = Decode(datagram);
            return true;
        }
        catch (SnmpDecodeException)
        {
            message = null;
            return false;
        }
    }

    private static void WritePdu(AsnWriter writer, Pdu pdu)
    {
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, (int)pdu.Type, isConstructed: true)))
        {
            if (pdu.Type == PduType.TrapV1)
            {
                var trap = pdu.Trap ?? throw new ArgumentException("A v1 trap needs its header.");
                writer.WriteObjectIdentifier(trap.Enterprise);
                writer.WriteOctetString(trap.AgentAddress, new Asn1Tag(TagClass.Application, 0));
                writer.WriteInteger(trap.GenericTrap);
                writer.WriteInteger(trap.SpecificTrap);
                writer.WriteInteger(trap.TimeStamp, new Asn1Tag(TagClass.Application, 3));
            }
            else
            {
                writer.WriteInteger(pdu.RequestId);
                writer.WriteInteger(pdu.ErrorStatus);
                writer.WriteInteger(pdu.ErrorIndex);
            }
            using (writer.PushSequence())
            {
                foreach (var vb in pdu.VarBinds)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(vb.Oid);
                        WriteValue(writer, vb.Value);
                    }
                }
            }
        }
    }

    private static void WriteValue(AsnWriter writer, SnmpValue value)
    {
        switch (value.Type)
        {
            case SnmpType.Integer: writer.WriteInteger(value.Integer); break;
            case SnmpType.OctetString: writer.WriteOctetString(value.Bytes); break;
            case SnmpType.Null: writer.WriteNull(); break;
            case SnmpType.ObjectIdentifier: writer.WriteObjectIdentifier(value.Oid!); break;
            case SnmpType.IpAddress or SnmpType.Opaque: writer.WriteOctetString(value.Bytes, Application(value.Type)); break;
            case SnmpType.Counter32 or SnmpType.Gauge32 or SnmpType.TimeTicks or SnmpType.Counter64:
                writer.WriteInteger(value.Unsigned, Application(value.Type));
                break;
            default: writer.WriteNull(new Asn1Tag(TagClass.ContextSpecific, (int)value.Type & 0x1F)); break;
        }
    }

    private static Asn1Tag Application(SnmpType type) => new(TagClass.Application, (int)type & 0x1F);

    private static Pdu ReadPdu(AsnReader message, SnmpVersion version)
    {
        var tag = message.PeekTag();
        if (tag.TagClass != TagClass.ContextSpecific || !tag.IsConstructed || tag.TagValue > (int)PduType.Report)
            throw new SnmpDecodeException($"Unknown PDU tag {tag}.");
        var type = (PduType)tag.TagValue;
        if (type == PduType.TrapV1 && version != SnmpVersion.V1) throw new SnmpDecodeException("A Trap-PDU in a v2c message.");
        if (type is PduType.GetBulkRequest or PduType.InformRequest or PduType.TrapV2 or PduType.Report && version == SnmpVersion.V1)
            throw new SnmpDecodeException($"{type} in a v1 message.");
        var body = message.ReadSequence(tag);
        TrapV1Header? trap = null;
        int requestId = 0, errorStatus = 0, errorIndex = 0;
        if (type == PduType.TrapV1)
        {
            var enterprise = body.ReadObjectIdentifier();
            var agent = body.ReadOctetString(new Asn1Tag(TagClass.Application, 0));
            if (agent.Length != 4) throw new SnmpDecodeException("An IpAddress has 4 bytes.");
            trap = new TrapV1Header(enterprise, agent, ReadInt32(body), ReadInt32(body), (uint)ReadUnsigned(body, new Asn1Tag(TagClass.Application, 3), 4));
        }
        else
        {
            requestId = ReadInt32(body);
            errorStatus = ReadInt32(body);
            errorIndex = ReadInt32(body);
        }
        var list = body.ReadSequence();
        body.ThrowIfNotEmpty();
        var varBinds = new List<VarBind>();
        while (list.HasData)
        {
            var vb = list.ReadSequence();
            var oid = vb.ReadObjectIdentifier();
            varBinds.Add(new VarBind(oid, ReadValue(vb)));
            vb.ThrowIfNotEmpty();
        }
        return new Pdu(type, requestId, errorStatus, errorIndex, varBinds, trap);
    }

    private static int ReadInt32(AsnReader reader) =>
        reader.TryReadInt32(out var value) ? value : throw new SnmpDecodeException("An INTEGER does not fit 32 bits.");

    private static SnmpValue ReadValue(AsnReader reader)
    {
        var tag = reader.PeekTag();
        if (tag.IsConstructed) throw new SnmpDecodeException($"A constructed value {tag}.");
        if (tag.TagClass == TagClass.Universal)
        {
            return (UniversalTagNumber)tag.TagValue switch
            {
                UniversalTagNumber.Integer => SnmpValue.Int(ReadInt32(reader)),
                UniversalTagNumber.OctetString => SnmpValue.Octets(reader.ReadOctetString()),
                UniversalTagNumber.Null => ReadNull(reader, tag, SnmpValue.Null),
                UniversalTagNumber.ObjectIdentifier => SnmpValue.ObjectId(reader.ReadObjectIdentifier()),
                _ => throw new SnmpDecodeException($"Unknown value tag {tag}."),
            };
        }
        if (tag.TagClass == TagClass.Application)
        {
            return (SnmpType)(0x40 | tag.TagValue) switch
            {
                SnmpType.IpAddress => SnmpValue.Ip(ReadIp(reader, tag)),
                SnmpType.Counter32 => SnmpValue.Counter32((uint)ReadUnsigned(reader, tag, 4)),
                SnmpType.Gauge32 => SnmpValue.Gauge32((uint)ReadUnsigned(reader, tag, 4)),
                SnmpType.TimeTicks => SnmpValue.TimeTicks((uint)ReadUnsigned(reader, tag, 4)),
                SnmpType.Opaque => SnmpValue.Opaque(reader.ReadOctetString(tag)),
                SnmpType.Counter64 => SnmpValue.Counter64(ReadUnsigned(reader, tag, 8)),
                _ => throw new SnmpDecodeException($"Unknown value tag {tag}."),
            };
        }
        if (tag.TagClass == TagClass.ContextSpecific)
        {
            return tag.TagValue switch
            {
                0 => ReadNull(reader, tag, SnmpValue.NoSuchObject),
                1 => ReadNull(reader, tag, SnmpValue.NoSuchInstance),
                2 => ReadNull(reader, tag, SnmpValue.EndOfMibView),
                _ => throw new SnmpDecodeException($"Unknown value tag {tag}."),
            };
        }
        throw new SnmpDecodeException($"Unknown value tag {tag}.");
    }

    private static SnmpValue ReadNull(AsnReader reader, Asn1Tag tag, SnmpValue value)
    {
        reader.ReadNull(tag);
        return value;
    }

    private static byte[] ReadIp(AsnReader reader, Asn1Tag tag)
    {
        var bytes = reader.ReadOctetString(tag);
        return bytes.Length == 4 ? bytes : throw new SnmpDecodeException("An IpAddress has 4 bytes.");
    }

    /// <summary>
    /// Reads an unsigned application integer leniently: some agents drop the leading zero octet that BER
    /// needs for values with the top bit set, so the content octets are taken as unsigned.
    /// </summary>
    private static ulong ReadUnsigned(AsnReader reader, Asn1Tag tag, int maxBytes)
    {
        var content = reader.PeekContentBytes().Span;
        if (reader.PeekTag() != tag || content.Length == 0) throw new SnmpDecodeException($"Expected a {tag} integer.");
        reader.ReadEncodedValue();
        while (content.Length > 1 && content[0] == 0) content = content[1..];
        if (content.Length > maxBytes) throw new SnmpDecodeException($"An unsigned value longer than {maxBytes} bytes.");
        ulong value = 0;
        foreach (var b in content) value = (value << 8) | b;
        return value;
    }
}
