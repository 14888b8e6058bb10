using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.Services.Cdn.Assets;

public enum AssetKind { Invalid, Missing, Root, Directory, File }

/// <summary>Where a request path leads: <see cref="Logical"/> is the canonical path below /cdn/ (aliases resolved).</summary>
public sealed record AssetLocation(AssetKind Kind, string Logical, string? Physical = null, string? Real = null, string? AreaFolder = null);

/// <summary>An asset file found on disk.</summary>
public sealed record AssetFile(string Logical, string Real, long Size, DateTime Modified);

/// <summary>
/// Maps request paths to files below the asset root. Every path is checked segment by segment (no empty, dot,
/// hidden or escaped segments) and then by its real path, so neither traversal nor a link out of the root
/// reaches a file outside it.
/// </summary>
public sealed class AssetCatalog(IOptions<CdnOptions> options)
{
    private readonly CdnOptions _options = options.Value;

    public IReadOnlyDictionary<string, string> Aliases => _options.Aliases;

    public IEnumerable<(string Name, string Folder)> Areas =>
        _options.Areas.Select(a => (a, Path.GetFullPath(_options.Folders.TryGetValue(a, out var f) ? f : Path.Combine(_options.Root, a))));

    public static bool IsValidPath(string path) =>
        path.Length > 0 && path.Split('/').All(IsValidSegment);

    public static bool IsValidSegment(string s) =>
        s.Length > 0 && s[0] != '.' && s.IndexOfAny(['\\', '\0', '%', ':']) < 0;

    /// <summary>Resolves a request path (without the /cdn/ prefix) to an existing file or directory.</summary>
    public AssetLocation Resolve(string? requestPath)
    {
        var path = (requestPath ?? "").TrimEnd('/');
        if (path.Length == 0) return new(AssetKind.Root, "");
        if (!IsValidPath(path)) return new(AssetKind.Invalid, path);
        if (_options.Aliases.TryGetValue(path, out var target))
        {
            path = target.Trim('/');
            if (!IsValidPath(path)) return new(AssetKind.Invalid, path);
        }
        var slash = path.IndexOf('/');
        var areaName = slash < 0 ? path : path[..slash];
        var area = Areas.FirstOrDefault(a => a.Name == areaName).Folder;
        if (area is null) return new(AssetKind.Missing, path);
        var physical = slash < 0 ? area : Path.Combine(area, path[(slash + 1)..]);
        var real = RealPath.Of(physical);
        var areaReal = RealPath.Of(area);
        // A link leading out of its area is treated as absent: nothing about the outside is revealed.
        if (real is null || areaReal is null || !RealPath.IsWithin(real, areaReal)) return new(AssetKind.Missing, path);
        if (Directory.Exists(real)) return new(AssetKind.Directory, path, physical, real, area);
        return File.Exists(real) ? new(AssetKind.File, path, physical, real, area) : new(AssetKind.Missing, path);
    }

    /// <summary>
    /// Resolves the target of an upload: its folder is created when missing, and must really lie in the area.
    /// Returns Invalid for paths that are not below an area.
    /// </summary>
    public AssetLocation ResolveForWrite(string? requestPath)
    {
        var path = (requestPath ?? "").Trim('/');
        if (!IsValidPath(path)) return new(AssetKind.Invalid, path);
        if (_options.Aliases.TryGetValue(path, out var target)) path = target.Trim('/');
        var slash = path.IndexOf('/');
        if (slash < 0 || !IsValidPath(path)) return new(AssetKind.Invalid, path);
        var area = Areas.FirstOrDefault(a => a.Name == path[..slash]).Folder;
        if (area is null) return new(AssetKind.Invalid, path);
        var physical = Path.Combine(area, path[(slash + 1)..]);
        Directory.CreateDirectory(area);
        var areaReal = RealPath.Of(area)!;
        // Create the folders one by one, checking each really lies in the area before going below it.
        var folder = area;
        foreach (var segment in path[(slash + 1)..].Split('/').SkipLast(1))
        {
            folder = Path.Combine(folder, segment);
            if (File.Exists(folder)) return new(AssetKind.Invalid, path);
            if (!Directory.Exists(folder)) Directory.CreateDirectory(folder);
            var real = RealPath.Of(folder);
            if (real is null || !RealPath.IsWithin(real, areaReal)) return new(AssetKind.Invalid, path);
        }
        if (Directory.Exists(physical)) return new(AssetKind.Invalid, path);
        return new(AssetKind.File, path, physical, Path.Combine(RealPath.Of(folder)!, Path.GetFileName(physical)), area);
    }

    /// <summary>Every asset file in every area, without hidden files and without following links out of the area.</summary>
    public IEnumerable<AssetFile> EnumerateFiles()
    {
        foreach (var (name, folder) in Areas)
        {
            var areaReal = RealPath.Of(folder);
            if (areaReal is null || !Directory.Exists(areaReal)) continue;
            foreach (var file in Walk(areaReal, name, areaReal)) yield return file;
        }
    }

    /// <summary>The visible entries of a directory: subdirectories (linked ones are not followed) and files inside the area.</summary>
    public IEnumerable<AssetEntry> ListDirectory(string real, string areaFolder)
    {
        var areaReal = RealPath.Of(areaFolder);
        if (areaReal is null) return [];
        List<FileSystemInfo> entries;
        try { entries = new DirectoryInfo(real).EnumerateFileSystemInfos().ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
        var result = new List<AssetEntry>();
        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (!IsValidSegment(entry.Name)) continue;
            if (entry.LinkTarget is not null)
            {
                var target = RealPath.Of(entry.FullName);
                if (target is null || !RealPath.IsWithin(target, areaReal) || !File.Exists(target)) continue;
                var file = new FileInfo(target);
                result.Add(new AssetEntry(entry.Name, false, target, file.Length, file.LastWriteTimeUtc));
            }
            else if (entry is DirectoryInfo)
                result.Add(new AssetEntry(entry.Name, true, entry.FullName, 0, entry.LastWriteTimeUtc));
            else if (entry is FileInfo file)
                result.Add(new AssetEntry(entry.Name, false, file.FullName, file.Length, file.LastWriteTimeUtc));
        }
        return result;
    }

    private IEnumerable<AssetFile> Walk(string folder, string logical, string areaReal)
    {
        foreach (var entry in ListDirectory(folder, areaReal))
        {
            var path = $"{logical}/{entry.Name}";
            if (!entry.IsDirectory) yield return new AssetFile(path, entry.Real, entry.Size, entry.Modified);
            else foreach (var file in Walk(entry.Real, path, areaReal)) yield return file;
        }
    }
}

/// <summary>One entry of a directory listing; for a link to a file, the target's real path, size and time.</summary>
public sealed record AssetEntry(string Name, bool IsDirectory, string Real, long Size, DateTime Modified);
