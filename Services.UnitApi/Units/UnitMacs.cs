namespace PrivateBox.Factory.Services.UnitApi.Units;

public static class UnitMacs
{
    public const int MaxMacs = 32;

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
