using System.Globalization;
using System.Net;
using System.Text.Json;

namespace PrivateBox.Factory.Services.UnitApi.Infrastructure;

/// <summary>Parsing of the loosely typed values units send (timestamps as ISO text or epoch seconds, IPs).</summary>
public static partial class WireValues
{
    private static readonly DateTimeOffset Earliest = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>ISO 8601 text or Unix seconds. Any such time is taken, even an implausible one (<see cref="IsPlausible"/>):
    /// the server never refuses a unit for its clock.</summary>
    public static bool TryParseTimestamp(JsonElement? element, out DateTimeOffset? value, out string? error)
    {
        value = null;
        error = null;
        if (element is null || element.Value.ValueKind == JsonValueKind.Null) return true;
        var e = element.Value;
        DateTimeOffset parsed;
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var seconds) && Math.Abs(seconds) < 1e11)
            parsed = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        else if (e.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture,
                     DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var text))
            parsed = text;
        else
        {
            error = "Must be an ISO 8601 date-time or Unix seconds.";
            return false;
        }
        value = parsed.ToUniversalTime();
        return true;
    }

    /// <summary>A unit's time is plausible from 2020 to one day past the server's; other values mean its clock is wrong.</summary>
    public static bool IsPlausible(DateTimeOffset? unitTime, DateTimeOffset now) =>
        unitTime is not { } t || (t >= Earliest && t <= now.AddDays(1));

    public static bool IsIpAddress(string? text) => text is not null && text.Length <= 45 && IPAddress.TryParse(text, out _);

    /// <summary>An OpenSSH SHA-256 host key fingerprint as <c>ssh-keygen -l</c> prints it: SHA256:, 43 unpadded base64 characters.</summary>
    public static bool IsSshFingerprint(string text) => SshFingerprint().IsMatch(text);

    [System.Text.RegularExpressions.GeneratedRegex("^SHA256:[A-Za-z0-9+/]{43}$")]
    private static partial System.Text.RegularExpressions.Regex SshFingerprint();
}
