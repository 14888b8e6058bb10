using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using PrivateBox.Factory.Services.DebugCollector.Collection;
using PrivateBox.Factory.Services.DebugCollector.Redaction;

namespace PrivateBox.Factory.Services.DebugCollector.Bundles;

/// <summary><c>POST /api/debug-logs</c>: a unit's own bundle, streamed in, redacted, stored in one transaction.</summary>
public static class UploadEndpoint
{
    /// <summary>A bundle from a unit: JSON <c>{"mac", "entries": {name: text}}</c> or a tar.gz with <c>?mac=</c>; streamed and redacted.</summary>
    public static async Task<IResult> Handle(HttpContext http, string? mac, NpgsqlDataSource db, UnitDirectory units,
        BundlePublisher publisher, TimeProvider clock, DebugCollectorMetrics metrics, WorkLimits limits, IOptions<DebugCollectorOptions> options,
        ILogger<BundleStore> logger, CancellationToken ct)
    {
        if (!limits.Uploads.Wait(0))
        {
            http.Response.Headers.RetryAfter = "30";
            return TypedResults.Problem(statusCode: 503, title: "Busy with other uploads",
                detail: $"{options.Value.MaxConcurrentUploads} uploads are streaming in; send it again after Retry-After.");
        }
        try
        {
            return await ReceiveAsync(http, mac, db, units, publisher, clock, metrics, options.Value, logger, ct);
        }
        finally
        {
            limits.Uploads.Release();
        }
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, string? mac, NpgsqlDataSource db, UnitDirectory units,
        BundlePublisher publisher, TimeProvider clock, DebugCollectorMetrics metrics, DebugCollectorOptions settings,
        ILogger<BundleStore> logger, CancellationToken ct)
    {
        if (http.Request.ContentLength > settings.MaxBundleBytes) return TooLarge(settings.MaxBundleBytes);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = settings.MaxBundleBytes;
        if (mac is not null && !MacAddress.TryNormalize(mac, out mac)) return BundlesApi.BadMac();

        var contentType = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var isJson = contentType is "application/json";
        if (!isJson && contentType is not ("application/gzip" or "application/x-gzip" or "application/x-tar+gzip" or "application/x-gtar" or "application/octet-stream"))
            return TypedResults.Problem(statusCode: 415, title: "Unsupported bundle format",
                detail: "Send application/json ({\"mac\": ..., \"entries\": {name: text}}) or a tar.gz (application/gzip) with ?mac=.");
        if (!isJson && mac is null) return BundlesApi.BadMac();

        BundleWriter? writer = null;
        string? unitMac = null;
        try
        {
            async Task<BundleWriter> BeginAsync()
            {
                if (mac is null) throw new UploadException("mac", "The MAC must come as ?mac= or as \"mac\" before \"entries\".");
                var unit = await units.FindAsync(mac, ct);
                unitMac = unit?.Mac ?? mac;
                return await BundleWriter.BeginAsync(db, settings.MaxExpandedBytes, new Redactor(unit?.Redaction), ct);
            }

            if (isJson)
            {
                await JsonUpload.ReadAsync(http.Request.Body,
                    value => MacAddress.TryNormalize(value, out var parsed) && (mac is null || mac == parsed)
                        ? Task.FromResult(mac = parsed)
                        : throw new UploadException("mac", "Not a MAC address, or not the one given as ?mac=."),
                    async (name, text) =>
                    {
                        writer ??= await BeginAsync();
                        await writer.AddFileAsync(SafePath.From(name, "entry"), new MemoryStream(Encoding.UTF8.GetBytes(text)), ct);
                    }, ct);
                if (writer is null) throw new UploadException("entries", "A bundle needs at least one entry.");
            }
            else
            {
                writer = await BeginAsync();
                await using var gzip = new GZipStream(http.Request.Body, CompressionMode.Decompress);
                await using var tar = new TarReader(gzip);
                while (await tar.GetNextEntryAsync(copyData: false, ct) is { } entry)
                {
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)) continue;
                    await writer.AddFileAsync(SafePath.From(entry.Name, "file"), entry.DataStream ?? Stream.Null, ct);
                }
                if (writer.Files.Count == 0) throw new UploadException("body", "The archive holds no regular files.");
            }

            await writer.CommitAsync(unitMac!, "upload", complete: true, error: null, host: null, writer.Files, clock.GetUtcNow(), ct);
            publisher.Wake();
            metrics.BundleStored("upload", complete: true);
            logger.LogInformation("Debug bundle {BundleId} uploaded for {Mac}: {Files} files, {Bytes} bytes", writer.Id, unitMac, writer.Files.Count, writer.SizeBytes);
            return TypedResults.Created($"/api/debug-logs/{writer.Id}", new { id = writer.Id, mac = unitMac, files = writer.Files, size_bytes = writer.SizeBytes });
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(settings.MaxBundleBytes);
        }
        catch (BundleTooLargeException ex)
        {
            return TypedResults.Problem(statusCode: 413, title: "Bundle too large", detail: $"The bundle's files add up to more than {ex.Limit} bytes.");
        }
        catch (UploadException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ex.Field] = [ex.Message] });
        }
        catch (JsonException ex)
        {
            // Our own words only: the body may hold a password.
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"Malformed JSON near line {ex.LineNumber + 1}."] }, title: "Malformed JSON");
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException) // garbage, or an archive cut short
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Not a readable tar.gz archive."] }, title: "Malformed archive");
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            http.Response.Headers.RetryAfter = "30";
            return TypedResults.Problem(statusCode: 503, title: "Unit API unavailable",
                detail: "The unit's passwords could not be looked up for redaction, so nothing was stored. Retry later.");
        }
        finally
        {
            if (writer is not null) await writer.DisposeAsync();
        }
    }

    private static ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem(statusCode: 413, title: "Bundle too large", detail: $"A debug bundle upload is limited to {limit} bytes.");

    private sealed class UploadException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }
}
