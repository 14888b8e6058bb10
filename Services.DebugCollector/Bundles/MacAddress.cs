using System.Diagnostics.CodeAnalysis;

namespace PrivateBox.Factory.Services.DebugCollector.Bundles;

/// <summary>MACs in any common form (AA-BB-.., aa:bb:.., aabb.ccdd.eeff, bare hex) to aa:bb:cc:dd:ee:ff, as the Unit API stores them.</summary>
public static class MacAddress
{
    public static bool TryNormalize(string? input, [NotNullWhen(true)] out string? canonical)
    {
        canonical = null;
        var hex = new string((input ?? "").Trim().Where(c => c is not (':' or '-' or '.')).ToArray());
        var text = (input ?? "").Trim();
        var wellFormed = text.Length switch
        {
            17 => text.Split(text[2]).Length == 6 && text[2] is ':' or '-',
            14 => text[4] == '.' && text[9] == '.',
            12 => true,
            _ => false,
        };
        if (!wellFormed || hex.Length != 12 || !hex.All(Uri.IsHexDigit)) return false;
        hex = hex.ToLowerInvariant();
        if (hex is "000000000000" or "ffffffffffff") return false;
        canonical = string.Join(':', Enumerable.Range(0, 6).Select(i => hex.Substring(i * 2, 2)));
        return true;
    }
}
