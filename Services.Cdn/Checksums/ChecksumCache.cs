using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.Services.Cdn.Checksums;

/// <summary>The checksums of one version of a file, identified by its size and modification time.</summary>
public sealed record AssetDigest(long Size, long ModifiedTicks, string Sha256, string Md5)
{
    public string Sha256Base64 => Convert.ToBase64String(Convert.FromHexString(Sha256));
    public bool Matches(long size, DateTime modified) => Size == size && ModifiedTicks == modified.ToUniversalTime().Ticks;
}

/// <summary>
/// Checksums by real path, valid only while size and mtime match. Kept in Root/.cdn/checksums.json so a restart
/// does not hash gigabytes again.
/// </summary>
public sealed class ChecksumCache
{
    private readonly ConcurrentDictionary<string, AssetDigest> _digests = new(StringComparer.Ordinal);
    private readonly string _file;
    private readonly ILogger<ChecksumCache> _logger;

    public ChecksumCache(IOptions<CdnOptions> options, ILogger<ChecksumCache> logger)
    {
        _logger = logger;
        _file = Path.Combine(Path.GetFullPath(options.Value.Root), ".cdn", "checksums.json");
        try
        {
            if (File.Exists(_file))
                foreach (var (path, digest) in JsonSerializer.Deserialize<Dictionary<string, AssetDigest>>(File.ReadAllText(_file)) ?? [])
                    _digests[path] = digest;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Checksum cache {File} unreadable; files will be hashed again", _file);
        }
    }

    public AssetDigest? Get(string real, long size, DateTime modified) =>
        _digests.TryGetValue(real, out var d) && d.Matches(size, modified) ? d : null;

    public void Set(string real, AssetDigest digest) => _digests[real] = digest;

    public void Remove(string real) => _digests.TryRemove(real, out _);

    /// <summary>Forgets files that are gone and writes the cache atomically.</summary>
    public void Save(IReadOnlySet<string> existing)
    {
        foreach (var path in _digests.Keys.Where(p => !existing.Contains(p))) _digests.TryRemove(path, out _);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
            var temp = _file + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(_digests.ToDictionary()));
            File.Move(temp, _file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Could not write checksum cache {File}", _file);
        }
    }
}
