using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>
/// The real Unit API on Kestrel (so client addresses are real), on a throwaway database of the test
/// PostgreSQL, with the test RabbitMQ, a controllable clock, and every log line and trace tag captured.
/// </summary>
public class UnitApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string FactoryToken = "dev-factory-token";
    public const string LabelKey = "dev-label-key";
    public const string DebugKey = "dev-debug-key";

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public ConcurrentQueue<string> Logs { get; } = new();
    public ConcurrentQueue<string> TraceTags { get; } = new();
    public string ConnectionString { get; private set; } = "";
    protected virtual int RateLimitPermits => 100_000;
    private ActivityListener? _listener;

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            // Parent-based, as the service's OpenTelemetry sampler: what the service leaves unrecorded stays so.
            Sample = (ref ActivityCreationOptions<ActivityContext> o) => o.Parent == default || o.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)
                ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData,
            ActivityStopped = a =>
            {
                foreach (var tag in a.TagObjects) TraceTags.Enqueue($"{a.DisplayName} {tag.Key}={tag.Value}");
                foreach (var e in a.Events) TraceTags.Enqueue($"{a.DisplayName} event {e.Name} {string.Join(",", e.Tags)}");
            },
        };
        ActivitySource.AddActivityListener(_listener);
        UseKestrel(0);
        StartServer();
    }

    protected virtual Task<string> CreateDatabaseAsync() => TestServers.CreateDatabaseAsync("unitapi");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:factorydb", ConnectionString);
        builder.UseSetting("UnitApi:DatabaseDeadline", "00:01:00"); // a test machine runs many suites at once
        builder.UseSetting("ConnectionStrings:messaging", TestServers.RabbitMq);
        builder.UseSetting("UnitApi:RateLimitPermits", RateLimitPermits.ToString());
        builder.UseSetting("UnitApi:StuckCheckInterval", "00:00:01");
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = CreateClient();
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public HttpClient Unit() => Client(FactoryToken);
    public HttpClient Label() => Client(LabelKey);
    public HttpClient Debug() => Client(DebugKey);

    public new virtual async Task DisposeAsync()
    {
        _listener?.Dispose();
        await base.DisposeAsync();
    }
}
