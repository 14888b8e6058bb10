extern alias unitapi;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using PrivateBox.Factory.Contracts;
using PrivateBox.Factory.Services.DebugCollector;
using UnitApiProgram = unitapi::Program;

namespace PrivateBox.Factory.DebugCollector.Tests;

/// <summary>
/// The collector as it runs at the factory: the real Unit API and the collector on Kestrel sharing one
/// throwaway database, the test RabbitMQ between them, and an sshd on loopback as the unit. A listener bus
/// records every <see cref="DebugBundleStored"/> that reaches the broker.
/// </summary>
public sealed class Suite : IAsyncLifetime
{
    public const string FactoryToken = "dev-factory-token";
    public const string DebugKey = "dev-debug-key";
    public const string AdminKey = "dev-admin-key";
    public const long MaxBundleBytes = 1024 * 1024;

    public SshServer Ssh { get; } = new();

    /// <summary>The hanging item's sleep, unique to this run so a test can look for it among the processes.</summary>
    public string HangSleep { get; } = $"60.{Random.Shared.Next(100000, 999999)}";
    public ConcurrentQueue<string> Logs { get; } = new();
    public ConcurrentQueue<DebugBundleStored> Stored { get; } = new();
    public ExportedSpans Spans { get; } = new();
    public string ConnectionString { get; private set; } = "";
    public UnitApiHost UnitApi { get; private set; } = null!;
    public CollectorHost Collector { get; private set; } = null!;
    public IBusControl Listener { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Ssh.InitializeAsync();
        ConnectionString = await TestServers.CreateDatabaseAsync("debug");
        UnitApi = new UnitApiHost(ConnectionString, Logs);
        UnitApi.UseKestrel(0);
        UnitApi.StartServer();
        Collector = new CollectorHost(this, UnitApi.CreateClient().BaseAddress!.ToString());
        Collector.UseKestrel(0);
        Collector.StartServer();

        Listener = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(TestServers.RabbitMq));
            rabbit.ReceiveEndpoint($"debug-tests-{Guid.NewGuid():N}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.Handler<DebugBundleStored>(context =>
                {
                    Stored.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
            });
        });
        await Listener.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
    }

    /// <summary>The items a test unit answers: its logs, a failing command and a hanging one between them.</summary>
    public List<CollectionItem> Items() =>
    [
        new() { Name = "bootstrap", Command = $"cat {Ssh.PathOf("/tmp/privatebox-bootstrap.log")}", Timeout = TimeSpan.FromSeconds(10) },
        new() { Name = "missing", Command = $"cat {Ssh.PathOf("/var/log/privatebox/opnsense-100-deployment.log")}", Timeout = TimeSpan.FromSeconds(10) },
        new() { Name = "hangs", Command = $"echo started; sleep {HangSleep}", Timeout = TimeSpan.FromSeconds(2) },
        new() { Name = "semaphore-journal", Command = $"cat {Ssh.PathOf("/var/log/semaphore.journal")}", Timeout = TimeSpan.FromSeconds(10) },
    ];

    public HttpClient Client(string? bearer)
    {
        var client = Collector.CreateClient();
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public HttpClient UnitApiClient(string bearer = FactoryToken)
    {
        var client = UnitApi.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>Waits for the announcement of a bundle for <paramref name="mac"/> (every stored bundle is announced).</summary>
    public async Task<DebugBundleStored> StoredFor(string mac, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = Stored.FirstOrDefault(s => s.Mac == mac);
            if (found is not null) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No DebugBundleStored for {mac} within {timeout}.");
    }

    /// <summary>Runs a count(*) query on the collector's database with positional parameters ($1, $2, ...).</summary>
    public async Task<long> CountAsync(string sql, params object[] values)
    {
        await using var db = NpgsqlDataSource.Create(ConnectionString);
        await using var command = db.CreateCommand(sql);
        foreach (var value in values) command.Parameters.Add(new() { Value = value });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Listener is not null) await Listener.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            if (Collector is not null) await Collector.DisposeAsync();
            if (UnitApi is not null) await UnitApi.DisposeAsync();
        }
        finally
        {
            await Ssh.DisposeAsync();
        }
    }

    public sealed class UnitApiHost(string connectionString, ConcurrentQueue<string> logs) : WebApplicationFactory<UnitApiProgram>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:factorydb", connectionString);
            builder.UseSetting("UnitApi:DatabaseDeadline", "00:01:00"); // a test machine runs many suites at once
            builder.UseSetting("ConnectionStrings:messaging", TestServers.RabbitMq);
            builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(logs)));
        }
    }

    public sealed class CollectorHost(Suite suite, string unitApiUrl) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:factorydb", suite.ConnectionString);
            builder.UseSetting("ConnectionStrings:messaging", TestServers.RabbitMq);
            builder.UseSetting("DebugCollector:UnitApiUrl", unitApiUrl);
            builder.UseSetting("DebugCollector:MaxBundleBytes", MaxBundleBytes.ToString());
            builder.UseSetting("DebugCollector:MaxExpandedBytes", (4 * MaxBundleBytes).ToString());
            builder.UseSetting("DebugCollector:Ssh:User", suite.Ssh.User);
            builder.UseSetting("DebugCollector:Ssh:Port", suite.Ssh.Port.ToString());
            builder.UseSetting("DebugCollector:Ssh:KeyFile", suite.Ssh.ClientKey);
            builder.UseSetting("DebugCollector:Ssh:ConnectTimeout", "00:00:05");
            builder.UseSetting("DebugCollector:Ssh:Attempts", "3");
            builder.UseSetting("DebugCollector:Ssh:RetryDelay", "00:00:00.200");
            builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(suite.Logs)));
            builder.ConfigureServices(services => services.PostConfigure<DebugCollectorOptions>(o => o.Items = suite.Items()));
            builder.UseSetting("OTEL_TRACES_SAMPLER", "always_on"); // as the AppHost sets it
            builder.ConfigureServices(suite.Spans.AddTo);
        }
    }

}

[CollectionDefinition(nameof(Suite))]
public sealed class SuiteCollection : ICollectionFixture<Suite>;
