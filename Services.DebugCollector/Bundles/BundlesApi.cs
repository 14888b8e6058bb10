using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PrivateBox.Factory.ServiceDefaults.Security;
using PrivateBox.Factory.Services.DebugCollector.Collection;

namespace PrivateBox.Factory.Services.DebugCollector.Bundles;

public static class BundlesApi
{
    public static IEndpointRouteBuilder MapBundlesApi(this IEndpointRouteBuilder app)
    {
        var bundles = app.MapGroup("/api/debug-logs");
        bundles.MapPost("/", UploadEndpoint.Handle).RequireCaller(CallerRole.Unit);
        bundles.MapGet("/", List).RequireCaller(CallerRole.Debug);
        bundles.MapGet("/{id:guid}", Download).RequireCaller(CallerRole.Debug);
        bundles.MapGet("/host-keys", HostKeys).RequireCaller(CallerRole.Debug);
        bundles.MapDelete("/host-keys/{mac}", ForgetHostKey).RequireCaller(CallerRole.Admin);
        return app;
    }

    private static async Task<Results<Ok<List<BundleSummary>>, ValidationProblem>> List(string? mac, int? limit, BundleStore store, CancellationToken ct)
    {
        if (mac is not null && !MacAddress.TryNormalize(mac, out mac)) return BadMac();
        if (limit is < 1 or > 1000)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Must be between 1 and 1000."] });
        return TypedResults.Ok(await store.ListAsync(mac, limit ?? 100, ct));
    }

    private static async Task<IResult> Download(Guid id, HttpContext http, BundleStore store, CancellationToken ct)
    {
        var bundle = await store.FindAsync(id, ct);
        if (bundle is null)
            return TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "Unknown bundle", Detail = $"No debug bundle {id}." });
        var files = await store.FilesAsync(id, ct);
        http.Response.ContentType = "application/gzip";
        http.Response.Headers.ContentDisposition =
            $"attachment; filename=\"debug-{bundle.Mac.Replace(":", "")}-{bundle.CreatedAt:yyyyMMdd'T'HHmmss}.tar.gz\"";
        await TarGz.WriteAsync(http.Response.Body, store, id, files, bundle.CreatedAt, ct);
        return TypedResults.Empty;
    }

    private static async Task<Ok<List<KnownHostKey>>> HostKeys(HostKeyStore keys, CancellationToken ct) => TypedResults.Ok(await keys.ListAsync(ct));

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> ForgetHostKey(string mac, HostKeyStore keys, CancellationToken ct)
    {
        if (!MacAddress.TryNormalize(mac, out var canonical)) return BadMac();
        return await keys.ForgetAsync(canonical, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    internal static ValidationProblem BadMac() => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["mac"] = ["Not a MAC address (aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF or aabb.ccdd.eeff)."] });
}
