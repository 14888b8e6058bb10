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
        // Admin outranks station outranks unit; every comparison is constant-time.
        if (Matches(bearer, AdminKey)) return CallerRole.Admin;
        if (Matches(bearer, StationKey)) return CallerRole.Station;
        if (Matches(bearer, FactoryToken)) return CallerRole.Unit;
        return CallerRole.Anonymous;
    }

    private static bool Matches(string presented, string? expected) =>
        !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    // The keys themselves never appear in logs or exception messages.
    public override string ToString() => "FactoryKeys { ... }";
}
