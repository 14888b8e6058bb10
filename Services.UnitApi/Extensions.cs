using PrivateBox.Factory.Contracts;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using PrivateBox.Factory.ServiceDefaults.Security;
using PrivateBox.Factory.Services.UnitApi.Credentials;
using PrivateBox.Factory.Services.UnitApi.Dashboard;
using PrivateBox.Factory.Services.UnitApi.Dashboard.Consumers;
using PrivateBox.Factory.Services.UnitApi.Heartbeats;
using PrivateBox.Factory.Services.UnitApi.Data;
using PrivateBox.Factory.Services.UnitApi.Infrastructure;
using PrivateBox.Factory.Services.UnitApi.Metrics;
using PrivateBox.Factory.Services.UnitApi.Outbox;
using PrivateBox.Factory.Services.UnitApi.Stuck;

namespace PrivateBox.Factory.Services.UnitApi;

public static class Extensions
{
    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        builder.AddFactoryKeys(CallerRole.Unit, CallerRole.Label, CallerRole.Debug);
        // One connection pool for EF Core and the other direct calls.
        builder.AddNpgsqlDataSource(ResourceNames.Database, configureDataSourceBuilder: dataSource => Tune(dataSource.ConnectionStringBuilder));
        // Heartbeats are many tiny independent statements: on a pool of its own with multiplexing, concurrent ones
        // share connections and network writes (bench/heartbeats.sh measured about 15% more per second). They commit
        // without waiting for the WAL flush: a crash of PostgreSQL can lose the last fraction of a second of them,
        // never half of one, and the unit's next heartbeat restores it. Reports, labels and everything else commit
        // durably on the other pool, and their flush covers every heartbeat committed before them.
        builder.Services.AddKeyedSingleton(HeartbeatApi.DataSource, (services, _) =>
        {
            var connection = new NpgsqlConnectionStringBuilder(builder.Configuration.GetConnectionString(ResourceNames.Database)) { Multiplexing = true };
            connection.Options = $"{connection.Options} -c synchronous_commit=off".Trim();
            Tune(connection);
            return new NpgsqlDataSourceBuilder(connection.ConnectionString)
                .UseLoggerFactory(services.GetRequiredService<ILoggerFactory>())
                .Build();
        });
        builder.Services.AddDbContextPool<FactoryDb>((services, db) => db
            .UseNpgsql(services.GetRequiredService<NpgsqlDataSource>())
            .UseSnakeCaseNamingConvention());
        // Reports and labels run in explicit transactions under a row lock; a failed one answers 5xx and the
        // unit or station retries, so EF's automatic retries (which forbid user transactions) are off.
        builder.EnrichNpgsqlDbContext<FactoryDb>(settings => settings.DisableRetry = true);
        builder.AddFactoryMessaging(bus => bus.AddDashboardConsumers(builder.Configuration["Dashboard:QueueInstance"]));

        var isDev = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<CredentialOptions>()
            .BindConfiguration("Credentials")
            .PostConfigure(o => o.Key = string.IsNullOrWhiteSpace(o.Key) && isDev ? CredentialOptions.DevKey : o.Key)
            .Validate(o => CredentialProtector.IsValidKey(o.Key), "Credentials:Key must be base64 of 32 bytes (openssl rand -base64 32).")
            .Validate(o => isDev || o.Key != CredentialOptions.DevKey, "Credentials:Key must not be the development key outside Development.")
            .ValidateOnStart();
        builder.Services.AddOptions<UnitApiOptions>().BindConfiguration(UnitApiOptions.Section)
            .Validate(o => o.StuckAfter > TimeSpan.Zero && o.StuckCheckInterval > TimeSpan.Zero, "UnitApi timings must be positive.")
            .Validate(o => FactoryDays.IsKnown(o.TimeZone), "UnitApi:TimeZone must be an IANA time zone name such as Europe/Berlin.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => FactoryDays.From(sp.GetRequiredService<IOptions<UnitApiOptions>>().Value.TimeZone,
            sp.GetRequiredService<ILogger<FactoryDays>>()));

        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section)
            .Validate(o => o.BuildPorts is >= 1 and <= 96 && o.HealthInterval > TimeSpan.Zero && o.HealthTimeout > TimeSpan.Zero,
                "Dashboard: BuildPorts 1-96 and positive health timings.")
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DashboardSignal>();
        builder.Services.AddSingleton<LiveFeed.Streams>();
        builder.Services.AddHttpClient(LineHealth.HttpClientName);
        builder.Services.AddSingleton<LineHealth>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LineHealth>());
        builder.Services.AddSingleton<CredentialProtector>();
        builder.Services.AddSingleton<UnitApiMetrics>();
        builder.Services.AddSingleton<StuckDetector>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StuckDetector>());
        builder.Services.AddHostedService<OutboxDispatcher>();
        builder.Services.AddUnitRateLimits();
        builder.Services.AddDatabaseUnavailable(builder.Configuration.GetValue("UnitApi:DatabaseDeadline", TimeSpan.FromSeconds(4)));
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonBody.Options.PropertyNamingPolicy;
            json.SerializerOptions.DefaultIgnoreCondition = JsonBody.Options.DefaultIgnoreCondition;
        });
        builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = JsonBody.MaxBytes);
    }

    // Nothing sets session state, so a returned connection needs no reset round trip; repeated statements are
    // prepared once per connection.
    private static void Tune(NpgsqlConnectionStringBuilder connection)
    {
        connection.NoResetOnClose = true;
        // A query cancelled on a hung server (a request's deadline) breaks its connection after half a second instead
        // of waiting 2 s for the server to confirm.
        connection.CancellationTimeout = 500;
        connection.MaxAutoPrepare = Math.Max(connection.MaxAutoPrepare, 20);
    }

    /// <summary>Applies EF Core migrations (creating factorydb if needed) before the service takes requests.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FactoryDb>();
        await db.Database.MigrateAsync();
    }
}
