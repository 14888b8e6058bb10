namespace PrivateBox.Factory.Services.SwitchMonitor.Snmp;

/// <summary>Dotted object identifiers: normalising, lexicographic order (as agents walk them) and prefixes.</summary>
public static class SnmpOid
{
    public static string Normalize(string oid) => oid.TrimStart('.');

    public static uint[] Parse(string oid)
    {
        var text = Normalize(oid);
        if (text.Length == 0) return [];
        var parts = text.Split('.');
        var arcs = new uint[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!uint.TryParse(parts[i], System.Globalization.NumberStyles.None, null, out arcs[i]))
                throw new FormatException($"'{oid}' is not a dotted object identifier.");
        return arcs;
    }

    public static int Compare(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b) => a.SequenceCompareTo(b);

    public static int Compare(string a, string b) => Compare(Parse(a), Parse(b));

    /// <summary>True when <paramref name="oid"/> lies strictly under <paramref name="root"/>.</summary>
    public static bool IsUnder(string oid, string root)
    {
        oid = Normalize(oid);
        root = Normalize(root);
        return oid.Length > root.Length + 1 && oid.StartsWith(root, StringComparison.Ordinal) && oid[root.Length] == '.';
    }

    /// <summary>The arcs after <paramref name="root"/> (the table index of a column entry).</summary>
    public static uint[] IndexAfter(string oid, string root) => Parse(Normalize(oid)[(Normalize(root).Length + 1)..]);
}
