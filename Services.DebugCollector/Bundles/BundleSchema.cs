using Npgsql;

namespace PrivateBox.Factory.Services.DebugCollector.Bundles;

/// <summary>
/// The collector's own schema <c>debug</c> in factorydb, beside the Unit API's tables (which it never touches).
/// Bundle files are stored as 256 KiB bytea chunks so uploads and downloads stream through in constant memory.
/// Created idempotently at start under an advisory lock, so replicas starting together do not race.
/// </summary>
public static class BundleSchema
{
    private const string Ddl = """
        SELECT pg_advisory_xact_lock(hashtext('privatebox-debug-schema'));
        CREATE SCHEMA IF NOT EXISTS debug;
        CREATE TABLE IF NOT EXISTS debug.bundles (
            id uuid PRIMARY KEY,
            mac text NOT NULL,
            source text NOT NULL,
            complete boolean NOT NULL,
            error text,
            host text,
            size_bytes bigint NOT NULL,
            items jsonb NOT NULL DEFAULT '[]',
            created_at timestamptz NOT NULL,
            published_at timestamptz);
        CREATE INDEX IF NOT EXISTS ix_bundles_unpublished ON debug.bundles (created_at) WHERE published_at IS NULL;
        CREATE INDEX IF NOT EXISTS ix_bundles_mac ON debug.bundles (mac, created_at DESC);
        CREATE INDEX IF NOT EXISTS ix_bundles_created ON debug.bundles (created_at DESC);
        CREATE TABLE IF NOT EXISTS debug.bundle_files (
            bundle_id uuid NOT NULL REFERENCES debug.bundles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            file_no int NOT NULL,
            path text NOT NULL,
            size_bytes bigint NOT NULL,
            PRIMARY KEY (bundle_id, file_no));
        CREATE TABLE IF NOT EXISTS debug.bundle_chunks (
            bundle_id uuid NOT NULL,
            file_no int NOT NULL,
            seq int NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (bundle_id, file_no, seq),
            FOREIGN KEY (bundle_id, file_no) REFERENCES debug.bundle_files ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED);
        CREATE TABLE IF NOT EXISTS debug.host_keys (
            mac text PRIMARY KEY,
            key_type text NOT NULL,
            fingerprint text NOT NULL,
            first_seen_at timestamptz NOT NULL,
            rejected_fingerprint text,
            rejected_at timestamptz);
        CREATE TABLE IF NOT EXISTS debug.collection_triggers (
            key text PRIMARY KEY,
            at timestamptz NOT NULL);
        """;

    public static async Task EnsureAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand(Ddl, connection, tx)) await command.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
