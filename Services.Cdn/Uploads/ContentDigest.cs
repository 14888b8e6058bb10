namespace PrivateBox.Factory.Services.Cdn.Uploads;

/// <summary>The sha-256 member of an RFC 9530 Content-Digest header (<c>sha-256=:base64:</c>, among others).</summary>
public static class ContentDigest
{
    public static byte[]? ParseSha256(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        foreach (var member in header.Split(','))
        {
            var eq = member.IndexOf('=');
            if (eq < 0 || !member[..eq].Trim().Equals("sha-256", StringComparison.OrdinalIgnoreCase)) continue;
            var value = member[(eq + 1)..].Trim();
            if (value.Length < 2 || value[0] != ':' || value[^1] != ':') return null;
            var bytes = new byte[32];
            return Convert.TryFromBase64String(value[1..^1], bytes, out var written) && written == 32 ? bytes : null;
        }
        return null;
    }
}
