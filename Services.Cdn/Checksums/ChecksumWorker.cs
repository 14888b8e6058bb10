using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.Cdn.Assets;

namespace PrivateBox.Factory.Services.Cdn.Checksums;

/// <summary>
/// Hashes new and changed files in the background (SHA-256 and MD5 in one pass), never on a request path.
/// Scans on start, every RescanInterval and whenever an upload or delete asks for it.
/// </summary>
public sealed class ChecksumWorker(AssetCatalog catalog, ChecksumCache cache, IOptions<CdnOptions> options, ILogger<ChecksumWorker> logger)
    : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _scans;

    /// <summary>Completed scans; a test waits for it to move past a change.</summary>
    public long Scans => Interlocked.Read(ref _scans);

    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await ScanAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { logger.LogError(e, "Checksum scan failed"); }
            Interlocked.Increment(ref _scans);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(options.Value.RescanInterval);
            try { await _wake.Reader.ReadAsync(timeout.Token); }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task ScanAsync(CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var hashed = 0;
        foreach (var file in catalog.EnumerateFiles())
        {
            seen.Add(file.Real);
            if (cache.Get(file.Real, file.Size, file.Modified) is not null) continue;
            var digest = await HashAsync(file.Real, ct);
            if (digest is null) continue;
            cache.Set(file.Real, digest);
            hashed++;
            logger.LogInformation("Checksummed {Asset} ({Size} bytes): sha256 {Sha256}", file.Logical, digest.Size, digest.Sha256);
        }
        if (hashed > 0 || seen.Count == 0 || Scans == 0) cache.Save(seen);
    }

    /// <summary>Hashes one version of a file; null when it changed while being read (the next scan takes it).</summary>
    public static async Task<AssetDigest?> HashAsync(string path, CancellationToken ct)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var size = stream.Length;
            var modified = File.GetLastWriteTimeUtc(stream.SafeFileHandle);
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(0, 1 << 20), ct)) > 0)
                {
                    sha256.AppendData(buffer, 0, read);
                    md5.AppendData(buffer, 0, read);
                }
            }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
            if (stream.Length != size || File.GetLastWriteTimeUtc(stream.SafeFileHandle) != modified) return null;
            return new AssetDigest(size, modified.Ticks, Convert.ToHexStringLower(sha256.GetHashAndReset()), Convert.ToHexStringLower(md5.GetHashAndReset()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
