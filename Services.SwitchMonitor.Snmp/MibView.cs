namespace PrivateBox.Factory.Services.SwitchMonitor.Snmp;

/// <summary>An immutable, ordered set of instances an agent serves; build a new one when the data changes.</summary>
public sealed class MibView
{
    private readonly uint[][] _oids;
    private readonly VarBind[] _values;

    public MibView(IEnumerable<VarBind> instances)
    {
        var sorted = instances.Select(v => (Arcs: SnmpOid.Parse(v.Oid), Bind: v with { Oid = SnmpOid.Normalize(v.Oid) }))
            .OrderBy(x => x.Arcs, Comparer<uint[]>.Create((a, b) => SnmpOid.Compare(a, b)))
            .ToArray();
        _oids = sorted.Select(x => x.Arcs).ToArray();
        _values = sorted.Select(x => x.Bind).ToArray();
    }

    public int Count => _values.Length;

    public SnmpValue Get(string oid)
    {
        var i = Find(SnmpOid.Parse(oid));
        if (i >= 0) return _values[i].Value;
        // noSuchObject when nothing lives under this object's prefix, noSuchInstance otherwise (RFC 3416 4.2.1).
        var next = ~i;
        var arcs = SnmpOid.Parse(oid);
        var parent = arcs.AsSpan(0, Math.Max(0, arcs.Length - 1));
        var sameObject = (next < _oids.Length && _oids[next].AsSpan().StartsWith(parent))
            || (next > 0 && _oids[next - 1].AsSpan().StartsWith(parent));
        return sameObject ? SnmpValue.NoSuchInstance : SnmpValue.NoSuchObject;
    }

    /// <summary>The first instance after <paramref name="oid"/>, or null at the end of the view.</summary>
    public VarBind? GetNext(string oid)
    {
        var i = Find(SnmpOid.Parse(oid));
        var next = i >= 0 ? i + 1 : ~i;
        return next < _values.Length ? _values[next] : null;
    }

    private int Find(uint[] arcs)
    {
        int lo = 0, hi = _oids.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = SnmpOid.Compare(_oids[mid], arcs);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return ~lo;
    }
}
