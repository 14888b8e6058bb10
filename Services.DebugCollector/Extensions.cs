using MassTransit;
using Npgsql;
using PrivateBox.Factory.ServiceDefaults.Security;
using PrivateBox.Factory.Services.DebugCollector.Bundles;
using PrivateBox.Factory.Services.DebugCollector.Collection;
using PrivateBox.Factory.Services.DebugCollector.Consumers;

namespace PrivateBox.Factory.Services.DebugCollector;

public static class Extensions
{
    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        builder.AddFactoryKeys(CallerRole.Unit, CallerRole.Debug, CallerRole.Admin);
        builder.AddNpgsqlDataSource(ResourceNames.Database);
        builder.AddFactoryMessaging(bus =>
        {
            bus.AddConsumer<DebugPortConsumer>();
            bus.AddConsumer<FailedUnitConsumer>();
            // The Unit API being briefly away must not lose a collection.
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
                endpoint.UseMessageRetry(retry => retry.Exponential(6, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(2))));
        });
        builder.Services.AddOptions<DebugCollectorOptions>().BindConfiguration(DebugCollectorOptions.Section)
            .Validate(o => o.MaxBundleBytes > 0 && o.MaxExpandedBytes > 0 && o.MaxItemBytes > 0, "DebugCollector size limits must be positive.")
            .Validate(o => o.Items.All(i => i.Name.Length > 0 && i.Command.Length > 0 && i.Timeout > TimeSpan.Zero),
                "Every DebugCollector:Items entry needs a Name, a Command and a positive Timeout.")
            .Validate(o => o.Items.Select(i => i.Name).Distinct().Count() == o.Items.Count, "DebugCollector:Items names must be unique.")
            .Validate(o => o.RetainFor >= TimeSpan.Zero && o.RetentionInterval > TimeSpan.Zero,
                "DebugCollector:RetainFor must not be negative and RetentionInterval must be positive.")
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DebugCollectorMetrics>();
        builder.Services.AddSingleton<BundleStore>();
        builder.Services.AddSingleton<HostKeyStore>();
        builder.Services.AddSingleton<SshCollector>();
        builder.Services.AddSingleton<WorkLimits>();
        builder.Services.AddScoped<CollectionService>();
        builder.Services.AddSingleton<BundlePublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BundlePublisher>());
        builder.Services.AddSingleton<BundleRetention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BundleRetention>());
        builder.Services.AddHttpClient<UnitDirectory>(UnitDirectory.Configure);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = BundleJson.Options.PropertyNamingPolicy;
            json.SerializerOptions.DefaultIgnoreCondition = BundleJson.Options.DefaultIgnoreCondition;
        });
        // Uploads set their own limit (DebugCollector:MaxBundleBytes) per request.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
    }

    /// <summary>Creates the collector's own <c>debug</c> schema before the service takes requests.</summary>
    public static async Task EnsureSchemaAsync(this WebApplication app) =>
        await BundleSchema.EnsureAsync(app.Services.GetRequiredService<NpgsqlDataSource>());
}
