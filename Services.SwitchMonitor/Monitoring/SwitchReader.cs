using PrivateBox.Factory.Services.SwitchMonitor.Snmp;

namespace PrivateBox.Factory.Services.SwitchMonitor.Monitoring;

/// <summary>Reads link states and the learned-MAC table of one switch over SNMP.</summary>
public sealed class SwitchReader(SnmpClient client)
{
    private bool? _hasQBridge;

    /// <summary>Bridge port number to ifIndex (dot1dBasePortIfIndex); empty when the switch does not say.</summary>
    public async Task<Dictionary<int, int>> ReadBasePortsAsync(CancellationToken ct)
    {
        var map = new Dictionary<int, int>();
        await foreach (var vb in client.WalkAsync(Oids.Dot1dBasePortIfIndex, ct))
            if (vb.Value.Type == SnmpType.Integer) map[(int)SnmpOid.IndexAfter(vb.Oid, Oids.Dot1dBasePortIfIndex)[0]] = (int)vb.Value.Integer;
        return map;
    }

    /// <summary>ifOperStatus of the given ifIndexes: true for up(1); an index the switch does not have reads as down.</summary>
    public async Task<Dictionary<int, bool>> ReadLinksAsync(IReadOnlyCollection<int> ifIndexes, CancellationToken ct)
    {
        var links = new Dictionary<int, bool>();
        foreach (var chunk in ifIndexes.Chunk(24))
        {
            var answer = client.Version == SnmpVersion.V1
                ? await GetV1Async(chunk, ct)
                : await client.GetAsync(chunk.Select(i => $"{Oids.IfOperStatus}.{i}"), ct);
            for (var i = 0; i < chunk.Length; i++)
                links[chunk[i]] = answer[i].Value is { Type: SnmpType.Integer, Integer: 1 };
        }
        return links;
    }

    // v1 answers a whole request with noSuchName when one instance is missing: ask one by one then.
    private async Task<IReadOnlyList<VarBind>> GetV1Async(int[] chunk, CancellationToken ct)
    {
        try
        {
            return await client.GetAsync(chunk.Select(i => $"{Oids.IfOperStatus}.{i}"), ct);
        }
        catch (SnmpErrorException e) when (e.Status == SnmpError.NoSuchName && chunk.Length > 1)
        {
            var answers = new List<VarBind>();
            foreach (var i in chunk) answers.AddRange(await GetV1Async([i], ct));
            return answers;
        }
        catch (SnmpErrorException e) when (e.Status == SnmpError.NoSuchName)
        {
            return [new VarBind($"{Oids.IfOperStatus}.{chunk[0]}", SnmpValue.NoSuchInstance)];
        }
    }

    /// <summary>
    /// Learned MACs by bridge port: dot1qTpFdbPort (index fdbId + MAC) first, dot1dTpFdbPort (index MAC) when the
    /// switch has no Q-BRIDGE table. Port 0 (the switch's own addresses) is left out.
    /// </summary>
    public async Task<Dictionary<int, HashSet<string>>> ReadMacTableAsync(CancellationToken ct)
    {
        if (_hasQBridge != false)
        {
            var q = await WalkFdbAsync(Oids.Dot1qTpFdbPort, ct);
            if (q.Count > 0 || _hasQBridge == true)
            {
                _hasQBridge = true;
                return q;
            }
        }
        var d = await WalkFdbAsync(Oids.Dot1dTpFdbPort, ct);
        if (d.Count > 0) _hasQBridge = false;
        return d;
    }

    private async Task<Dictionary<int, HashSet<string>>> WalkFdbAsync(string column, CancellationToken ct)
    {
        var table = new Dictionary<int, HashSet<string>>();
        await foreach (var vb in client.WalkAsync(column, ct))
        {
            var index = SnmpOid.IndexAfter(vb.Oid, column);
            if (index.Length < 6 || vb.Value.Type != SnmpType.Integer || vb.Value.Integer <= 0) continue;
            var mac = MacText.FromArcs(index.AsSpan(index.Length - 6));
            if (mac is null) continue;
            var port = (int)vb.Value.Integer;
            if (!table.TryGetValue(port, out var macs)) table[port] = macs = [];
            macs.Add(mac);
        }
        return table;
    }
}

public static class MacText
{
    /// <summary>Canonical form used in events: lower-case, colon-separated.</summary>
    public static string? FromArcs(ReadOnlySpan<uint> arcs)
    {
        Span<byte> bytes = stackalloc byte[6];
        for (var i = 0; i < 6; i++)
        {
            if (arcs[i] > 255) return null;
            bytes[i] = (byte)arcs[i];
        }
        return string.Join(':', bytes.ToArray().Select(b => b.ToString("x2")));
    }

    public static string Normalize(string mac)
    {
        var hex = new string(mac.Where(Uri.IsHexDigit).ToArray()).ToLowerInvariant();
        return hex.Length == 12 ? string.Join(':', Enumerable.Range(0, 6).Select(i => hex.Substring(i * 2, 2))) : mac.ToLowerInvariant();
    }
}
