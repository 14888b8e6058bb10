using Npgsql;

namespace PrivateBox.Factory.Services.UnitApi.Units;

public static class UnitMacs
{
    public const int MaxMacs = 32;

    /// <summary>
    /// The MACs another unit already owns (its WAN MAC or one it reported). A unit cannot claim them: they are left out
    /// of what it reports, so a station's lookup of them still finds their owner.
    /// </summary>
    public static async Task<HashSet<string>> OwnedByOthersAsync(NpgsqlConnection connection, string mac, IReadOnlyCollection<string> macs, CancellationToken ct)
    {
        var owned = new HashSet<string>();
        if (macs.All(m => m == mac)) return owned;
        await using var command = new NpgsqlCommand("""
            SELECT m FROM unnest($2::text[]) AS m
            WHERE m <> $1 AND EXISTS (SELECT 1 FROM units u WHERE u.mac <> $1 AND (u.mac = m OR u.macs @> ARRAY[m]))
            """, connection);
        command.Parameters.Add(new() { Value = mac });
        command.Parameters.Add(new() { Value = macs.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) owned.Add(reader.GetString(0));
        return owned;
    }

    /// <summary>Normalises the optional macs[] list, adding an error naming each bad entry.</summary>
    public static List<string> Parse(List<string>? input, Dictionary<string, string[]> errors)
    {
        var result = new List<string>();
        if (input is null) return result;
        if (input.Count > MaxMacs)
        {
            errors["macs"] = [$"At most {MaxMacs} MAC addresses."];
            return result;
        }
        for (var i = 0; i < input.Count; i++)
        {
            if (MacAddress.TryNormalize(input[i], out var mac)) result.Add(mac);
            else errors[$"macs[{i}]"] = ["Not a MAC address."];
        }
        return result;
    }
}
