namespace PrivateBox.Factory.Services.SwitchMonitor.Snmp;

/// <summary>The BER tags of the SNMP value types (RFC 2578 application types, RFC 3416 exceptions).</summary>
public enum SnmpType : byte
{
    Integer = 0x02,
    OctetString = 0x04,
    Null = 0x05,
    ObjectIdentifier = 0x06,
    IpAddress = 0x40,
    Counter32 = 0x41,
    Gauge32 = 0x42,
    TimeTicks = 0x43,
    Opaque = 0x44,
    Counter64 = 0x46,
    NoSuchObject = 0x80,
    NoSuchInstance = 0x81,
    EndOfMibView = 0x82,
}

/// <summary>One SNMP value. Integer holds INTEGER; Unsigned the counters, gauges and ticks; Bytes the strings.</summary>
public sealed class SnmpValue : IEquatable<SnmpValue>
{
    private SnmpValue(SnmpType type, long integer = 0, ulong unsigned = 0, byte[]? bytes = null, string? oid = null)
    {
        Type = type;
        Integer = integer;
        Unsigned = unsigned;
        Bytes = bytes ?? [];
        Oid = oid;
    }

    public SnmpType Type { get; }
    public long Integer { get; }
    public ulong Unsigned { get; }
    public byte[] Bytes { get; }
    public string? Oid { get; }

    public bool IsException => Type is SnmpType.NoSuchObject or SnmpType.NoSuchInstance or SnmpType.EndOfMibView;

    public static SnmpValue Int(int value) => new(SnmpType.Integer, integer: value);
    public static SnmpValue Octets(byte[] value) => new(SnmpType.OctetString, bytes: value);
    public static SnmpValue Text(string value) => Octets(System.Text.Encoding.UTF8.GetBytes(value));
    public static SnmpValue Null { get; } = new(SnmpType.Null);
    public static SnmpValue ObjectId(string oid) => new(SnmpType.ObjectIdentifier, oid: SnmpOid.Normalize(oid));
    public static SnmpValue Ip(System.Net.IPAddress address) => Ip(address.MapToIPv4().GetAddressBytes());
    public static SnmpValue Ip(byte[] fourBytes) =>
        fourBytes.Length == 4 ? new(SnmpType.IpAddress, bytes: fourBytes) : throw new ArgumentException("An IpAddress has 4 bytes.");
    public static SnmpValue Counter32(uint value) => new(SnmpType.Counter32, unsigned: value);
    public static SnmpValue Gauge32(uint value) => new(SnmpType.Gauge32, unsigned: value);
    public static SnmpValue TimeTicks(uint value) => new(SnmpType.TimeTicks, unsigned: value);
    public static SnmpValue Opaque(byte[] value) => new(SnmpType.Opaque, bytes: value);
    public static SnmpValue Counter64(ulong value) => new(SnmpType.Counter64, unsigned: value);
    public static SnmpValue NoSuchObject { get; } = new(SnmpType.NoSuchObject);
    public static SnmpValue NoSuchInstance { get; } = new(SnmpType.NoSuchInstance);
    public static SnmpValue EndOfMibView { get; } = new(SnmpType.EndOfMibView);

    public bool Equals(SnmpValue? other) =>
        other is not null && Type == other.Type && Integer == other.Integer && Unsigned == other.Unsigned
        && Oid == other.Oid && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => Equals(obj as SnmpValue);
    public override int GetHashCode() => HashCode.Combine(Type, Integer, Unsigned, Oid, Bytes.Length);

    public override string ToString() => Type switch
    {
        SnmpType.Integer => Integer.ToString(),
        SnmpType.Counter32 or SnmpType.Gauge32 or SnmpType.TimeTicks or SnmpType.Counter64 => $"{Type}:{Unsigned}",
        SnmpType.ObjectIdentifier => Oid!,
        SnmpType.IpAddress => string.Join('.', Bytes),
        SnmpType.OctetString or SnmpType.Opaque => Convert.ToHexString(Bytes),
        _ => Type.ToString(),
    };
}

public sealed record VarBind(string Oid, SnmpValue Value)
{
    public static VarBind Request(string oid) => new(SnmpOid.Normalize(oid), SnmpValue.Null);
}
