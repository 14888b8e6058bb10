using System.Globalization;
using System.Net;
using System.Text.Json;

namespace PrivateBox.Factory.Services.UnitApi.Infrastructure;

/// <summary>Parsing of the loosely typed values units send (timestamps as ISO text or epoch seconds, IPs).</summary>
public static partial class WireValues
{
    private static readonly DateTimeOffset Earliest = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>ISO 8601 text or Unix seconds; absurd values (before 2020, over a day ahead of the server) are errors.</summary>
    public static bool TryParseTimestamp(JsonElement? element, DateTimeOffset now, out DateTimeOffset? value, out string? error)
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
        if (parsed < Earliest || parsed > now.AddDays(1))
        {
            error = $"Must lie between {Earliest:yyyy-MM-dd} and one day after the server's time.";
            return false;
        }
        value = parsed.ToUniversalTime();
        return true;
    }

    public static bool IsIpAddress(string? text) => text is not null && text.Length <= 45 && IPAddress.TryParse(text, out _);

    /// <summary>An OpenSSH SHA-256 host key fingerprint as <c>ssh-keygen -l</c> prints it: SHA256:, 43 unpadded base64 characters.</summary>
    public static bool IsSshFingerprint(string text) => SshFingerprint().IsMatch(text);

    [System.Text.RegularExpressions.GeneratedRegex("^SHA256:[A-Za-z0-9+/]{43}$")]
    private static partial System.Text.RegularExpressions.Regex SshFingerprint();
}
