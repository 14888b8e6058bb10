using Npgsql;

namespace PrivateBox.Factory.Services.DebugCollector.Collection;

public sealed record KnownHostKey(string Mac, string KeyType, string Fingerprint, DateTimeOffset FirstSeenAt,
    string? RejectedFingerprint, DateTimeOffset? RejectedAt);

/// <summary>
/// The host key each unit may present, per MAC. A unit enrolled by install media reports its key's fingerprint with its
/// heartbeats: exactly that key is trusted, replacing what was on record (a reflashed unit enrolls again with a new
/// key). Otherwise trust on first use: the first key presented is recorded; a different key later is refused and
/// recorded beside it for the operator, and only an admin forgetting the key (a reinstalled unit) resets it.
/// </summary>
public sealed class HostKeyStore(NpgsqlDataSource db, TimeProvider clock)
{
    public async Task<KnownHostKey?> FindAsync(string mac, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT mac, key_type, fingerprint, first_seen_at, rejected_fingerprint, rejected_at FROM debug.host_keys WHERE mac = $1");
        command.Parameters.Add(new() { Value = mac });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<List<KnownHostKey>> ListAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT mac, key_type, fingerprint, first_seen_at, rejected_fingerprint, rejected_at FROM debug.host_keys ORDER BY rejected_at DESC NULLS LAST, mac");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<KnownHostKey>();
        while (await reader.ReadAsync(ct)) keys.Add(Read(reader));
        return keys;
    }

    /// <summary>Records the first key seen for <paramref name="mac"/>; returns the key now on record (another one if a concurrent first use won).</summary>
    public async Task<string> TrustFirstAsync(string mac, string keyType, string fingerprint, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO debug.host_keys (mac, key_type, fingerprint, first_seen_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (mac) DO UPDATE SET mac = excluded.mac RETURNING fingerprint
            """);
        command.Parameters.Add(new() { Value = mac });
        command.Parameters.Add(new() { Value = keyType });
        command.Parameters.Add(new() { Value = fingerprint });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Records the key the unit itself reported as the one to trust, replacing any other.</summary>
    public async Task<KnownHostKey> TrustReportedAsync(string mac, string fingerprint, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO debug.host_keys (mac, key_type, fingerprint, first_seen_at) VALUES ($1, 'reported', $2, $3)
            ON CONFLICT (mac) DO UPDATE SET key_type = excluded.key_type, fingerprint = excluded.fingerprint,
                first_seen_at = excluded.first_seen_at, rejected_fingerprint = NULL, rejected_at = NULL
            WHERE debug.host_keys.fingerprint <> excluded.fingerprint
            """);
        command.Parameters.Add(new() { Value = mac });
        command.Parameters.Add(new() { Value = fingerprint });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(ct);
        return (await FindAsync(mac, ct))!;
    }

    public async Task RecordRejectedAsync(string mac, string fingerprint, CancellationToken ct)
    {
        await using var command = db.CreateCommand("UPDATE debug.host_keys SET rejected_fingerprint = $2, rejected_at = $3 WHERE mac = $1");
        command.Parameters.Add(new() { Value = mac });
        command.Parameters.Add(new() { Value = fingerprint });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> ForgetAsync(string mac, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM debug.host_keys WHERE mac = $1");
        command.Parameters.Add(new() { Value = mac });
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    private static KnownHostKey Read(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2),
        r.GetFieldValue<DateTimeOffset>(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5));
}
