using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PrivateBox.Factory.Services.DebugCollector.Redaction;

namespace PrivateBox.Factory.Services.DebugCollector.Bundles;

/// <summary>
/// Writes one bundle inside one transaction: files are redacted and streamed into 256 KiB chunks as they
/// arrive; nothing is visible until <see cref="CommitAsync"/>, and a failed upload leaves nothing behind.
/// </summary>
public sealed class BundleWriter : IAsyncDisposable
{
    public const int ChunkBytes = 256 * 1024;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _tx;
    private readonly long _maxExpandedBytes;
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
    private int _files;

    private BundleWriter(NpgsqlConnection connection, NpgsqlTransaction tx, long maxExpandedBytes)
    {
        _connection = connection;
        _tx = tx;
        _maxExpandedBytes = maxExpandedBytes;
    }

    public Guid Id { get; } = Guid.CreateVersion7();
    public long SizeBytes { get; private set; }

    /// <summary>The files written so far, as listed for an uploaded bundle.</summary>
    public List<StoredFile> Files { get; } = [];
    public Redactor Redactor { get; init; } = new([]);

    public static async Task<BundleWriter> BeginAsync(NpgsqlDataSource db, long maxExpandedBytes, Redactor redactor, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        var tx = await connection.BeginTransactionAsync(ct);
        return new BundleWriter(connection, tx, maxExpandedBytes) { Redactor = redactor };
    }

    /// <summary>Stores <paramref name="content"/> redacted as <paramref name="path"/> (made unique within the bundle).</summary>
    public async Task AddFileAsync(string path, Stream content, CancellationToken ct)
    {
        var fileNo = ++_files;
        path = Unique(path);
        await using var chunks = new ChunkStream(this, fileNo);
        await Redactor.CopyAsync(content, chunks, ct);
        await chunks.FlushChunkAsync(ct);
        await using var command = new NpgsqlCommand(
            "INSERT INTO debug.bundle_files (bundle_id, file_no, path, size_bytes) VALUES ($1, $2, $3, $4)", _connection, _tx);
        command.Parameters.Add(new() { Value = Id });
        command.Parameters.Add(new() { Value = fileNo });
        command.Parameters.Add(new() { Value = path });
        command.Parameters.Add(new() { Value = chunks.Written });
        await command.ExecuteNonQueryAsync(ct);
        Files.Add(new(path, chunks.Written));
    }

    public async Task CommitAsync(string mac, string source, bool complete, string? error, string? host, object items, DateTimeOffset at, CancellationToken ct)
    {
        await using (var command = new NpgsqlCommand(
            "INSERT INTO debug.bundles (id, mac, source, complete, error, host, size_bytes, items, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            _connection, _tx))
        {
            command.Parameters.Add(new() { Value = Id });
            command.Parameters.Add(new() { Value = mac });
            command.Parameters.Add(new() { Value = source });
            command.Parameters.Add(new() { Value = complete });
            command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = (object?)host ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = SizeBytes });
            command.Parameters.Add(new() { Value = JsonSerializer.Serialize(items, BundleJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new() { Value = at });
            await command.ExecuteNonQueryAsync(ct);
        }
        await _tx.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _tx.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private string Unique(string path)
    {
        var candidate = path;
        for (var n = 2; !_paths.Add(candidate); n++) candidate = $"{path}.{n}";
        return candidate;
    }

    private async Task WriteChunkAsync(int fileNo, int seq, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        SizeBytes += data.Length;
        if (SizeBytes > _maxExpandedBytes) throw new BundleTooLargeException(_maxExpandedBytes);
        await using var command = new NpgsqlCommand(
            "INSERT INTO debug.bundle_chunks (bundle_id, file_no, seq, data) VALUES ($1, $2, $3, $4)", _connection, _tx);
        command.Parameters.Add(new() { Value = Id });
        command.Parameters.Add(new() { Value = fileNo });
        command.Parameters.Add(new() { Value = seq });
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A write-only stream that turns whatever is written into numbered chunks of one file.</summary>
    private sealed class ChunkStream(BundleWriter writer, int fileNo) : Stream
    {
        private readonly byte[] _buffer = new byte[ChunkBytes];
        private int _filled;
        private int _seq;
        public long Written { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
        {
            while (data.Length > 0)
            {
                var n = Math.Min(data.Length, _buffer.Length - _filled);
                data.Span[..n].CopyTo(_buffer.AsSpan(_filled));
                _filled += n;
                Written += n;
                data = data[n..];
                if (_filled == _buffer.Length) await FlushChunkAsync(ct);
            }
        }

        public async Task FlushChunkAsync(CancellationToken ct)
        {
            if (_filled == 0) return;
            await writer.WriteChunkAsync(fileNo, _seq++, _buffer.AsMemory(0, _filled), ct);
            _filled = 0;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Bundle files are written asynchronously.");
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

public sealed record StoredFile(string Name, long Bytes);

public sealed class BundleTooLargeException(long limit) : Exception($"The bundle expands beyond {limit} bytes.")
{
    public long Limit { get; } = limit;
}
