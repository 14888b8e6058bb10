using PrivateBox.Factory.ServiceDefaults.Security;
using PrivateBox.Factory.Services.Cdn.Assets;
using PrivateBox.Factory.Services.Cdn.Checksums;
using PrivateBox.Factory.Services.Cdn.Downloads;
using PrivateBox.Factory.Services.Cdn.Listings;
using PrivateBox.Factory.Services.Cdn.Readiness;
using PrivateBox.Factory.Services.Cdn.Uploads;

namespace PrivateBox.Factory.Services.Cdn;

public static class Extensions
{
    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        builder.AddFactoryKeys(CallerRole.Admin);
        builder.Services.AddOptions<CdnOptions>().BindConfiguration(CdnOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Root), "Cdn:Root must name the asset folder.")
            .Validate(o => o.Areas.All(AssetCatalog.IsValidSegment), "Cdn:Areas must be plain folder names.")
            .Validate(o => o.Aliases.All(a => AssetCatalog.IsValidPath(a.Key) && AssetCatalog.IsValidPath(a.Value.Trim('/'))),
                "Cdn:Aliases must map relative paths to relative paths.")
            .Validate(o => o.RescanInterval > TimeSpan.Zero, "Cdn:RescanInterval must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AssetCatalog>();
        builder.Services.AddSingleton<ChecksumCache>();
        builder.Services.AddSingleton<ChecksumWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChecksumWorker>());
        builder.Services.AddSingleton<AssetReadiness>();
        builder.Services.AddSingleton<CdnMetrics>();
        builder.Services.AddHealthChecks().AddCheck<AssetReadiness>("assets");
    }

    /// <summary>Creates the asset root and its area folders.</summary>
    public static void EnsureAssetFolders(this WebApplication app)
    {
        var catalog = app.Services.GetRequiredService<AssetCatalog>();
        foreach (var (name, folder) in catalog.Areas)
        {
            // An area mapped elsewhere (the repo's unit-client/) is served as it is, never created.
            if (app.Configuration[$"{CdnOptions.Section}:Folders:{name}"] is null) Directory.CreateDirectory(folder);
        }
    }

    public static void MapCdnApi(this WebApplication app)
    {
        var cdn = app.MapGroup("/cdn");
        cdn.MapGet("/status", (AssetReadiness readiness) => TypedResults.Ok(readiness.Evaluate()));
        cdn.MapGet("/manifest.json", (AssetCatalog catalog, ChecksumCache cache) => TypedResults.Ok(ListingApi.BuildManifest(catalog, cache)));
        cdn.MapMethods("/{**path}", [HttpMethods.Get, HttpMethods.Head], DownloadApi.Get);
        cdn.MapPut("/{**path}", UploadApi.Put).RequireCaller(CallerRole.Admin);
        cdn.MapDelete("/{**path}", UploadApi.Delete).RequireCaller(CallerRole.Admin);
    }
}
