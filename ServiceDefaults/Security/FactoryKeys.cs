using System.Security.Cryptography;
using System.Text;

namespace PrivateBox.Factory.ServiceDefaults.Security;

/// <summary>Who a caller is, from the bearer key it presents.</summary>
public enum CallerRole
{
    Anonymous,
    Unit,
    Station,
    Admin,
}

/// <summary>
/// The shared secrets of the line: the factory token (units), the station key (labeling and debug
/// stations) and the admin key. Bound from configuration section "FactoryKeys".
/// </summary>
public sealed class FactoryKeys
{
    public const string Section = "FactoryKeys";
    public const string DevFactoryToken = "dev-factory-token";
    public const string DevStationKey = "dev-station-key";
    public const string DevAdminKey = "dev-admin-key";

    public string? FactoryToken { get; set; }
    public string? StationKey { get; set; }
    public string? AdminKey { get; set; }

    public CallerRole Resolve(string? bearer)
    {
        if (string.IsNullOrEmpty(bearer)) return CallerRole.Anonymous;
        // Admin outranks station outranks unit; every comparison is constant-time, on SHA-256 hashes. The keys'
        // hashes are kept (every request needs them); the presented one is hashed once.
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(bearer), presented);
        if (Matches(presented, AdminKey, ref _admin)) return CallerRole.Admin;
        if (Matches(presented, StationKey, ref _station)) return CallerRole.Station;
        if (Matches(presented, FactoryToken, ref _factory)) return CallerRole.Unit;
        return CallerRole.Anonymous;
    }

    private HashedKey? _admin, _station, _factory;

    private static bool Matches(ReadOnlySpan<byte> presented, string? expected, ref HashedKey? hashed)
    {
        if (string.IsNullOrEmpty(expected)) return false;
        var current = hashed;
        if (current is null || !ReferenceEquals(current.Key, expected)) hashed = current = new HashedKey(expected);
        return CryptographicOperations.FixedTimeEquals(presented, current.Hash);
    }

    private sealed class HashedKey(string key)
    {
        public string Key { get; } = key;
        public byte[] Hash { get; } = SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    // The keys themselves never appear in logs or exception messages.
    public override string ToString() => "FactoryKeys { ... }";
}
