using Microsoft.Net.Http.Headers;
using PrivateBox.Factory.Services.Cdn.Assets;
using PrivateBox.Factory.Services.Cdn.Checksums;
using PrivateBox.Factory.Services.Cdn.Listings;

namespace PrivateBox.Factory.Services.Cdn.Downloads;

/// <summary>GET and HEAD below /cdn/: files (ranges, conditionals, Repr-Digest), their .sha256 siblings and listings.</summary>
public static class DownloadApi
{
    public static IResult Get(string? path, HttpContext http, AssetCatalog catalog, ChecksumCache cache, CdnMetrics metrics)
    {
        var location = catalog.Resolve(path);
        switch (location.Kind)
        {
            case AssetKind.Invalid:
                return Problems.InvalidPath();
            case AssetKind.Root or AssetKind.Directory:
                // Listings link relatively, so a directory is only listed at its address with the trailing slash.
                if (!http.Request.Path.Value!.EndsWith('/'))
                    return TypedResults.Redirect($"{http.Request.PathBase}{http.Request.Path}/{http.Request.QueryString}", permanent: true);
                return ListingApi.Directory(location, http, catalog, cache);
            case AssetKind.File:
                return Serve(location, http, cache, metrics);
            default:
                return path is not null && path.EndsWith(".sha256", StringComparison.Ordinal)
                    ? Sidecar(path[..^".sha256".Length], catalog, cache)
                    : Problems.NotFound(path);
        }
    }

    private static IResult Serve(AssetLocation location, HttpContext http, ChecksumCache cache, CdnMetrics metrics)
    {
        FileStream file;
        try
        {
            // The handle pins this version: a swap while the body is sent does not change what this client gets.
            file = new FileStream(location.Real!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return Problems.NotFound(location.Logical);
        }
        var size = file.Length;
        var modified = File.GetLastWriteTimeUtc(file.SafeFileHandle);
        if (cache.Get(location.Real!, size, modified) is { } digest)
            http.Response.Headers["Repr-Digest"] = $"sha-256=:{digest.Sha256Base64}:";
        var etag = new EntityTagHeaderValue($"\"{size:x}-{modified.Ticks:x}\"");
        return TypedResults.Stream(new MeteredStream(file, location.Logical, http, metrics), ContentTypes.For(location.Logical),
            lastModified: new DateTimeOffset(modified, TimeSpan.Zero), entityTag: etag, enableRangeProcessing: true);
    }

    /// <summary>"hash  name" for <c>sha256sum -c</c>, named as the client asked for the file (alias or real name).</summary>
    private static IResult Sidecar(string assetPath, AssetCatalog catalog, ChecksumCache cache)
    {
        var asset = catalog.Resolve(assetPath);
        if (asset.Kind != AssetKind.File) return asset.Kind == AssetKind.Invalid ? Problems.InvalidPath() : Problems.NotFound(assetPath + ".sha256");
        var info = new FileInfo(asset.Real!);
        if (cache.Get(asset.Real!, info.Length, info.LastWriteTimeUtc) is not { } digest) return Problems.Pending(assetPath);
        return TypedResults.Text($"{digest.Sha256}  {Path.GetFileName(assetPath)}\n", "text/plain; charset=utf-8");
    }
}
