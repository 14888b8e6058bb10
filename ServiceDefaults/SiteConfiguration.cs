using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class SiteConfigurationExtensions
{
    /// <summary>
    /// The installed server's layout (see packaging/): the JSON files named in FACTORY_CONFIG (colon-separated; the
    /// packaged defaults first, the site's /etc/privatebox-factory/factory.json last), then the systemd credentials
    /// in $CREDENTIALS_DIRECTORY, one file per secret setting named with "__" (FactoryKeys__LabelKey). Under
    /// systemd the service reports READY=1 once it has started (Type=notify) and logs for journald. Neither applies
    /// under the AppHost or in tests, where none of these is set.
    /// </summary>
    public static TBuilder AddSiteConfiguration<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var files = Environment.GetEnvironmentVariable("FACTORY_CONFIG");
        foreach (var file in (files ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            builder.Configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
        if (Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } credentials)
            builder.Configuration.AddKeyPerFile(source =>
            {
                source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(credentials);
                // Files that are not settings (the debug key, the certificate) are read by path, never as configuration.
                source.IgnoreCondition = name => !name.Contains("__", StringComparison.Ordinal);
                source.Optional = false;
            });
        builder.Services.AddSystemd();
        return builder;
    }
}
