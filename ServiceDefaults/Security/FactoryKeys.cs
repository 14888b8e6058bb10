using System.Security.Cryptography;
using System.Text;

namespace PrivateBox.Factory.ServiceDefaults.Security;

/// <summary>
/// Who a caller is, from the bearer key it presents. The keys are scopes, not ranks: every endpoint takes exactly one
/// of them (the README's key table), so the admin key reads no password and the debug key purges nothing.
/// </summary>
public enum CallerRole
{
    Anonymous,
    /// <summary>The factory token every unit carries: heartbeats, reports, debug uploads.</summary>
    Unit,
    /// <summary>The label station's key: a ready unit's passwords and the purge after its label.</summary>
    Label,
    /// <summary>The debug key: debug bundles, host keys, what the collector needs to redact.</summary>
    Debug,
    /// <summary>The admin key: CDN uploads and deletes, forgetting a host key.</summary>
    Admin,
}

/// <summary>The keys of the line, bound from configuration section "FactoryKeys"; a service holds only those it checks.</summary>
public sealed class FactoryKeys
{
    public const string Section = "FactoryKeys";
    public const string DevFactoryToken = "dev-factory-token";
    public const string DevLabelKey = "dev-label-key";
    public const string DevDebugKey = "dev-debug-key";
    public const string DevAdminKey = "dev-admin-key";

    public string? FactoryToken { get; set; }
    public string? LabelKey { get; set; }
    public string? DebugKey { get; set; }
    public string? AdminKey { get; set; }

    /// <summary>The configuration name of a role's key ("FactoryKeys:LabelKey").</summary>
    public static string SettingOf(CallerRole role) => role switch
    {
        CallerRole.Unit => nameof(FactoryToken),
        CallerRole.Label => nameof(LabelKey),
        CallerRole.Debug => nameof(DebugKey),
        CallerRole.Admin => nameof(AdminKey),
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>How an operator names a role's key in a refusal.</summary>
    public static string Describe(CallerRole role) => role == CallerRole.Unit ? "factory token" : $"{role.ToString().ToLowerInvariant()} key";

    public string? KeyOf(CallerRole role) => role switch
    {
        CallerRole.Unit => FactoryToken,
        CallerRole.Label => LabelKey,
        CallerRole.Debug => DebugKey,
        CallerRole.Admin => AdminKey,
        _ => null,
    };

    public CallerRole Resolve(string? bearer)
    {
        if (string.IsNullOrEmpty(bearer)) return CallerRole.Anonymous;
        // Every comparison is constant-time, on SHA-256 hashes. The keys' hashes are kept (every request needs them);
        // the presented one is hashed once.
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(bearer), presented);
        var role = CallerRole.Anonymous;
        if (Matches(presented, FactoryToken, ref _unit)) role = CallerRole.Unit;
        if (Matches(presented, LabelKey, ref _label)) role = CallerRole.Label;
        if (Matches(presented, DebugKey, ref _debug)) role = CallerRole.Debug;
        if (Matches(presented, AdminKey, ref _admin)) role = CallerRole.Admin;
        return role;
    }

    private HashedKey? _unit, _label, _debug, _admin;

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
