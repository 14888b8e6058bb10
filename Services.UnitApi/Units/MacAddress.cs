using System.Diagnostics.CodeAnalysis;

namespace PrivateBox.Factory.Services.UnitApi.Units;

/// <summary>MAC addresses arrive as AA-BB-.., aa:bb:.., aabb.ccdd.eeff or bare hex; the canonical form is aa:bb:cc:dd:ee:ff.</summary>
public static class MacAddress
{
    public static bool TryNormalize(string? input, [NotNullWhen(true)] out string? canonical)
    {
        canonical = null;
        if (string.IsNullOrWhiteSpace(input) || input.Length > 17) return false;
        var text = input.Trim();
        string hex;
        if (text.Length == 17 && (AllSeparatorsAre(text, ':') || AllSeparatorsAre(text, '-')))
            hex = string.Concat(text.Split(text[2]));
        else if (text.Length == 14 && text[4] == '.' && text[9] == '.')
            hex = text.Replace(".", "");
        else if (text.Length == 12)
            hex = text;
        else
            return false;

        if (hex.Length != 12 || !hex.All(Uri.IsHexDigit)) return false;
        hex = hex.ToLowerInvariant();
        if (hex is "000000000000" or "ffffffffffff") return false;
        canonical = string.Join(':', Enumerable.Range(0, 6).Select(i => hex.Substring(i * 2, 2)));
        return true;
    }

    private static bool AllSeparatorsAre(string text, char separator) =>
        text[2] == separator && text[5] == separator && text[8] == separator && text[11] == separator && text[14] == separator;
}
