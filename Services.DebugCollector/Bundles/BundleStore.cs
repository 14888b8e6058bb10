using System.Text.Json;
using Npgsql;

namespace PrivateBox.Factory.Services.DebugCollector.Bundles;

/// <summary>A stored bundle as listed; <c>Items</c> holds each collected command's outcome.</summary>
public record BundleSummary(Guid Id, string Mac, string Source, bool Complete, string? Error, string? Host, long SizeBytes,
    DateTimeOffset CreatedAt, JsonElement Items);

public record BundleFile(int FileNo, string Path, long SizeBytes);

/// <summary>Reads stored bundles back: the list, and one bundle's files streamed chunk by chunk.</summary>
public sealed class BundleStore(NpgsqlDataSource db)
{
    private const string Columns = "id, mac, source, complete, error, host, size_bytes, created_at, items::text";

    public async Task<List<BundleSummary>> ListAsync(string? mac, int limit, CancellationToken ct)
    {
        await using var command = db.CreateCommand(mac is null
            ? $"SELECT {Columns} FROM debug.bundles ORDER BY created_at DESC LIMIT $1"
            : $"SELECT {Columns} FROM debug.bundles WHERE mac = $2 ORDER BY created_at DESC LIMIT $1");
        command.Parameters.Add(new() { Value = limit });
        if (mac is not null) command.Parameters.Add(new() { Value = mac });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<BundleSummary>();
        while (await reader.ReadAsync(ct)) list.Add(Read(reader));
        return list;
    }

    public async Task<BundleSummary?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM debug.bundles WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<List<BundleFile>> FilesAsync(Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT file_no, path, size_bytes FROM debug.bundle_files WHERE bundle_id = $1 ORDER BY file_no");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var files = new List<BundleFile>();
        while (await reader.ReadAsync(ct)) files.Add(new(reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2)));
        return files;
    }

    /// <summary>Copies one file's chunks in order to <paramref name="output"/>, one chunk in memory at a time.</summary>
    public async Task CopyFileAsync(Guid id, int fileNo, Stream output, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT data FROM debug.bundle_chunks WHERE bundle_id = $1 AND file_no = $2 ORDER BY seq");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = fileNo });
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            await using var chunk = await reader.GetStreamAsync(0, ct);
            await chunk.CopyToAsync(output, ct);
        }
    }

    private static BundleSummary Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.GetInt64(6), r.GetFieldValue<DateTimeOffset>(7),
        JsonDocument.Parse(r.GetString(8)).RootElement.Clone());
}
