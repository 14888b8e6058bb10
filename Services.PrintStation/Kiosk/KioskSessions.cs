using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.Services.PrintStation.Kiosk;

/// <summary>
/// Sign-in for kiosk browsers elsewhere on the LAN (the screen at the labeling table): the station's PIN
/// (PrintStation:KioskPin) opens a session for 12 hours, held in an HttpOnly, SameSite=Strict cookie. Five wrong PINs
/// in a row lock sign-in for a minute. Sessions live in memory: a restart asks for the PIN again.
/// </summary>
public sealed class KioskSessions(IOptions<PrintStationOptions> options, TimeProvider clock)
{
    public const string Cookie = "kiosk-session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    private static readonly TimeSpan Lockout = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new();
    private readonly Lock _lock = new();
    private int _failures;
    private DateTimeOffset _lockedUntil;

    public enum Outcome { SignedIn, WrongPin, LockedOut }

    public (Outcome Outcome, string? Token) SignIn(string? pin)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (now < _lockedUntil) return (Outcome.LockedOut, null);
            var expected = options.Value.KioskPin;
            if (string.IsNullOrEmpty(expected) || pin is null
                || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(pin)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
            {
                if (++_failures >= 5) (_failures, _lockedUntil) = (0, now + Lockout);
                return (Outcome.WrongPin, null);
            }
            _failures = 0;
        }
        foreach (var (token, expires) in _sessions)
            if (expires < now) _sessions.TryRemove(token, out _);
        var session = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _sessions[session] = now + Lifetime;
        return (Outcome.SignedIn, session);
    }

    public bool IsValid(string? token) =>
        token is not null && _sessions.TryGetValue(token, out var expires) && expires > clock.GetUtcNow();
}
