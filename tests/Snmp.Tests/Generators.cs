using CsCheck;

namespace PrivateBox.Factory.Snmp.Tests;

public static class Generators
{
    private static Gen<T> OneOf<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    public static readonly Gen<string> Oid =
        Gen.Select(Gen.Int[0, 2], Gen.UInt[0, 39], Gen.UInt.Array[0, 12])
            .Select((first, second, rest) => string.Join('.', new[] { (uint)first, first < 2 ? second : second + 40 }.Concat(rest)));

    public static readonly Gen<SnmpValue> Value = Gen.OneOf(
        Gen.Int.Select(SnmpValue.Int),
        Gen.Byte.Array[0, 300].Select(SnmpValue.Octets),
        Gen.Const(SnmpValue.Null),
        Oid.Select(SnmpValue.ObjectId),
        Gen.Byte.Array[4].Select(b => SnmpValue.Ip(b)),
        Gen.UInt.Select(SnmpValue.Counter32),
        Gen.UInt.Select(SnmpValue.Gauge32),
        Gen.UInt.Select(SnmpValue.TimeTicks),
        Gen.Byte.Array[0, 50].Select(SnmpValue.Opaque),
        Gen.ULong.Select(SnmpValue.Counter64),
        OneOf(SnmpValue.NoSuchObject, SnmpValue.NoSuchInstance, SnmpValue.EndOfMibView));

    public static readonly Gen<VarBind> VarBind = Gen.Select(Oid, Value).Select((o, v) => new VarBind(o, v));

    private static readonly Gen<string> Community = Gen.Char[(char)0, (char)255].Array[0, 20].Select(c => new string(c));

    public static readonly Gen<SnmpMessage> Message = Gen.OneOf(
        Gen.Select(Gen.Enum<SnmpVersion>(), Community, OneOf(PduType.GetRequest, PduType.GetNextRequest, PduType.Response, PduType.SetRequest),
                Gen.Int, Gen.Int, Gen.Int, VarBind.List[0, 20])
            .Select((v, c, t, id, es, ei, vbs) => new SnmpMessage(v, c, new Pdu(t, id, es, ei, vbs))),
        Gen.Select(Community, OneOf(PduType.GetBulkRequest, PduType.InformRequest, PduType.TrapV2, PduType.Report),
                Gen.Int, Gen.Int, Gen.Int, VarBind.List[0, 20])
            .Select((c, t, id, es, ei, vbs) => new SnmpMessage(SnmpVersion.V2c, c, new Pdu(t, id, es, ei, vbs))),
        Gen.Select(Community, Oid, Gen.Byte.Array[4], Gen.Int, Gen.Int, Gen.UInt, VarBind.List[0, 10])
            .Select((c, ent, ip, g, s, ts, vbs) => new SnmpMessage(SnmpVersion.V1, c,
                new Pdu(PduType.TrapV1, 0, 0, 0, vbs, new TrapV1Header(ent, ip, g, s, ts)))));
}
