using System.Globalization;
using System.Net;
using System.Text;
using PrivateBox.Factory.Services.Cdn.Assets;
using PrivateBox.Factory.Services.Cdn.Checksums;

namespace PrivateBox.Factory.Services.Cdn.Listings;

/// <summary>Directory listings (HTML with relative links for people and wget -r; JSON for scripts) and the manifest.</summary>
public static class ListingApi
{
    /// <summary>One listed entry; sha256 is null while pending and for directories.</summary>
    public sealed record Entry(string Name, string Type, long? Size, DateTime? Modified, string? Sha256);

    public sealed record Listing(string Path, IReadOnlyList<Entry> Entries, IReadOnlyDictionary<string, string>? Aliases);

    /// <summary>One asset of the manifest; checksums are null while pending.</summary>
    public sealed record ManifestAsset(string Path, long Size, string? Sha256, string? Md5, DateTime Modified);

    public sealed record Manifest(IReadOnlyList<ManifestAsset> Assets, IReadOnlyDictionary<string, string> Aliases);

    public static IResult Directory(AssetLocation location, HttpContext http, AssetCatalog catalog, ChecksumCache cache)
    {
        var listing = location.Kind == AssetKind.Root
            ? new Listing("/cdn/", RootEntries(catalog), catalog.Aliases)
            : new Listing($"/cdn/{location.Logical}/", Entries(location, catalog, cache), null);
        return WantsJson(http.Request) ? TypedResults.Json(listing) : TypedResults.Content(Html(listing), "text/html; charset=utf-8");
    }

    public static Manifest BuildManifest(AssetCatalog catalog, ChecksumCache cache) =>
        new(catalog.EnumerateFiles()
                .Select(f => (File: f, Digest: cache.Get(f.Real, f.Size, f.Modified)))
                .Select(x => new ManifestAsset(x.File.Logical, x.File.Size, x.Digest?.Sha256, x.Digest?.Md5, x.File.Modified))
                .ToList(),
            catalog.Aliases);

    private static List<Entry> RootEntries(AssetCatalog catalog) =>
        catalog.Areas.Where(a => System.IO.Directory.Exists(a.Folder))
            .Select(a => new Entry(a.Name + "/", "directory", null, null, null)).ToList();

    private static List<Entry> Entries(AssetLocation location, AssetCatalog catalog, ChecksumCache cache)
    {
        var items = catalog.ListDirectory(location.Real!, location.AreaFolder!).ToList();
        var names = items.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var entries = new List<Entry>();
        foreach (var item in items)
        {
            if (item.IsDirectory)
            {
                entries.Add(new Entry(item.Name + "/", "directory", null, item.Modified, null));
                continue;
            }
            var digest = cache.Get(item.Real, item.Size, item.Modified);
            entries.Add(new Entry(item.Name, "file", item.Size, item.Modified, digest?.Sha256));
            // The served .sha256 sibling, listed so a mirror (wget -r) takes it along.
            if (digest is not null && !names.Contains(item.Name + ".sha256"))
                entries.Add(new Entry(item.Name + ".sha256", "file", digest.Sha256.Length + 3 + item.Name.Length, item.Modified, null));
        }
        return entries;
    }

    private static bool WantsJson(HttpRequest request) =>
        request.Query["format"] == "json"
        || request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true);

    private static string Html(Listing listing)
    {
        var title = WebUtility.HtmlEncode($"Index of {listing.Path}");
        var html = new StringBuilder($"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body><h1>{title}</h1>\n<pre>\n");
        if (listing.Path != "/cdn/") html.Append("<a href=\"../\">../</a>\n");
        foreach (var e in listing.Entries)
        {
            var href = Uri.EscapeDataString(e.Name.TrimEnd('/')) + (e.Type == "directory" ? "/" : "");
            var name = WebUtility.HtmlEncode(e.Name);
            var modified = e.Modified?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "";
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{href}\">{name}</a>{new string(' ', Math.Max(1, 60 - e.Name.Length))}{modified,16} {(e.Size?.ToString(CultureInfo.InvariantCulture) ?? "-"),14}\n");
        }
        return html.Append("</pre>\n</body></html>\n").ToString();
    }
}
