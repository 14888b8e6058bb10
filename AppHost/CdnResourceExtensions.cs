using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace PrivateBox.Factory.AppHost;

internal static class CdnResourceExtensions
{
    /// <summary>
    /// Passes the AppHost's "Cdn:*" settings to the CDN. In Development the asset root defaults to the repo's
    /// git-ignored .factory-data/cdn (created here) and /cdn/factory/ serves the repo's unit-client/ folder.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithCdnFolders(this IResourceBuilder<ProjectResource> cdn)
    {
        var builder = cdn.ApplicationBuilder;
        var repo = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        if (builder.Environment.IsDevelopment())
        {
            if (string.IsNullOrEmpty(builder.Configuration["Cdn:Root"]))
                builder.Configuration["Cdn:Root"] = Path.Combine(repo, ".factory-data", "cdn");
            if (string.IsNullOrEmpty(builder.Configuration["Cdn:Folders:factory"]))
                builder.Configuration["Cdn:Folders:factory"] = Path.Combine(repo, "unit-client");
        }
        if (builder.Configuration["Cdn:Root"] is { Length: > 0 } root) Directory.CreateDirectory(root);
        foreach (var setting in builder.Configuration.GetSection("Cdn").AsEnumerable(makePathsRelative: true).Where(s => s.Value is not null))
            cdn.WithEnvironment($"Cdn__{setting.Key.Replace(":", "__")}", setting.Value);
        return cdn;
    }
}
