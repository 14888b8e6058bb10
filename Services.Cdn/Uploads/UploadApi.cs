using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using PrivateBox.Factory.Services.Cdn.Assets;
using PrivateBox.Factory.Services.Cdn.Checksums;

namespace PrivateBox.Factory.Services.Cdn.Uploads;

/// <summary>
/// The weekly update: PUT streams the body into a hidden temporary file beside the target, verifies the SHA-256
/// the caller states in Content-Digest and renames it over the target (atomic; open downloads keep the old
/// version). Anything short of a verified, complete body leaves the old file untouched. DELETE removes a file.
/// </summary>
public static class UploadApi
{
    public sealed record Stored(string Path, long Size, string Sha256, string Md5);

    public static async Task<IResult> Put(string? path, HttpContext http, AssetCatalog catalog, ChecksumCache cache,
        ChecksumWorker worker, CdnMetrics metrics, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(UploadApi));
        var stated = ContentDigest.ParseSha256(http.Request.Headers["Content-Digest"]);
        if (stated is null)
        {
            metrics.Upload("rejected");
            return TypedResults.Problem(statusCode: 400, title: "Content-Digest required",
                detail: "State the body's SHA-256 as 'Content-Digest: sha-256=:<base64>:' (RFC 9530).");
        }
        var target = catalog.ResolveForWrite(path);
        if (target.Kind != AssetKind.File) return Problems.InvalidPath();

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var temp = Path.Combine(Path.GetDirectoryName(target.Physical)!, $".{Path.GetFileName(target.Physical)}.{Guid.NewGuid():N}.upload");
        try
        {
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            long size = 0;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
            {
                var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
                try
                {
                    int read;
                    while ((read = await http.Request.Body.ReadAsync(buffer.AsMemory(0, 1 << 20), http.RequestAborted)) > 0)
                    {
                        sha256.AppendData(buffer, 0, read);
                        md5.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                        size += read;
                    }
                }
                finally { ArrayPool<byte>.Shared.Return(buffer); }
                file.Flush(flushToDisk: true);
            }
            var actual = sha256.GetHashAndReset();
            if (!CryptographicOperations.FixedTimeEquals(actual, stated))
            {
                metrics.Upload("digest-mismatch");
                logger.LogWarning("Upload to {Asset} rejected: body SHA-256 {Actual} is not the stated {Stated}",
                    target.Logical, Convert.ToHexStringLower(actual), Convert.ToHexStringLower(stated));
                return TypedResults.Problem(statusCode: 422, title: "Content-Digest mismatch",
                    detail: $"The body's SHA-256 is {Convert.ToBase64String(actual)}, not the stated one; the stored file is unchanged.");
            }
            var existed = File.Exists(target.Physical);
            File.Move(temp, target.Physical!, overwrite: true);
            var info = new FileInfo(target.Physical!);
            var digest = new AssetDigest(size, info.LastWriteTimeUtc.Ticks, Convert.ToHexStringLower(actual), Convert.ToHexStringLower(md5.GetHashAndReset()));
            cache.Set(RealPath.Of(target.Physical!) ?? target.Real!, digest);
            worker.Wake();
            metrics.Upload("stored");
            logger.LogInformation("Stored {Asset}: {Size} bytes, sha256 {Sha256}", target.Logical, size, digest.Sha256);
            var stored = new Stored(target.Logical, size, digest.Sha256, digest.Md5);
            return existed ? TypedResults.Ok(stored) : TypedResults.Created($"/cdn/{target.Logical}", stored);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            metrics.Upload("interrupted");
            logger.LogWarning("Upload to {Asset} interrupted after a partial body; the stored file is unchanged: {Reason}", target.Logical, e.Message);
            return TypedResults.Problem(statusCode: 400, title: "Upload incomplete", detail: "The body ended early; the stored file is unchanged.");
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static IResult Delete(string? path, AssetCatalog catalog, ChecksumCache cache, ChecksumWorker worker, ILoggerFactory loggers)
    {
        var location = catalog.Resolve(path);
        if (location.Kind == AssetKind.Invalid) return Problems.InvalidPath();
        if (location.Kind != AssetKind.File || catalog.Aliases.ContainsKey((path ?? "").Trim('/'))) return Problems.NotFound(path);
        // The link itself when the path is a link, never the file it points at.
        File.Delete(location.Physical!);
        cache.Remove(location.Real!);
        worker.Wake();
        loggers.CreateLogger(typeof(UploadApi)).LogInformation("Deleted {Asset}", location.Logical);
        return TypedResults.NoContent();
    }
}
