namespace PrivateBox.Factory.Services.SwitchMonitor.Snmp;

public enum SnmpVersion
{
    V1 = 0,
    V2c = 1,
}

/// <summary>The context-specific tags of the PDUs (RFC 1157, RFC 3416).</summary>
public enum PduType
{
    GetRequest = 0,
    GetNextRequest = 1,
    Response = 2,
    SetRequest = 3,
    TrapV1 = 4,
    GetBulkRequest = 5,
    InformRequest = 6,
    TrapV2 = 7,
    Report = 8,
}

public enum SnmpError
{
    NoError = 0,
    TooBig = 1,
    NoSuchName = 2,
    BadValue = 3,
    ReadOnly = 4,
    GenErr = 5,
}

/// <summary>The v1 Trap-PDU's own header fields.</summary>
public sealed record TrapV1Header(string Enterprise, byte[] AgentAddress, int GenericTrap, int SpecificTrap, uint TimeStamp)
{
    public bool Equals(TrapV1Header? other) =>
        other is not null && Enterprise == other.Enterprise && AgentAddress.AsSpan().SequenceEqual(other.AgentAddress)
        && GenericTrap == other.GenericTrap && SpecificTrap == other.SpecificTrap && TimeStamp == other.TimeStamp;

    public override int GetHashCode() => HashCode.Combine(Enterprise, GenericTrap, SpecificTrap, TimeStamp);
}

/// <summary>
/// A PDU. For GetBulk, <see cref="ErrorStatus"/> and <see cref="ErrorIndex"/> carry non-repeaters and
/// max-repetitions, as on the wire. <see cref="Trap"/> is set only for a v1 Trap-PDU (which has no request id).
/// </summary>
public sealed record Pdu(PduType Type, int RequestId, int ErrorStatus, int ErrorIndex, IReadOnlyList<VarBind> VarBinds, TrapV1Header? Trap = null)
{
    public bool Equals(Pdu? other) =>
        other is not null && Type == other.Type && RequestId == other.RequestId && ErrorStatus == other.ErrorStatus
        && ErrorIndex == other.ErrorIndex && VarBinds.SequenceEqual(other.VarBinds) && Equals(Trap, other.Trap);

    public override int GetHashCode() => HashCode.Combine(Type, RequestId, VarBinds.Count);
}

/// <summary>A community-based SNMP message (v1 or v2c).</summary>
public sealed record SnmpMessage(SnmpVersion Version, string Community, Pdu Pdu);

/// <summary>A datagram that is not a well-formed SNMP message.</summary>
public sealed class SnmpDecodeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An agent answered with a non-zero error-status.</summary>
public sealed class SnmpErrorException(SnmpError status, int index)
    : Exception($"The agent answered {status} (index {index}).")
{
    public SnmpError Status { get; } = status;
    public int Index { get; } = index;
}
