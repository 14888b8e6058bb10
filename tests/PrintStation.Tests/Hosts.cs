extern alias unitapi;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PrivateBox.Factory.PrintStation.Tests;

/// <summary>
/// The real Unit API on Kestrel (loopback) with its own database on the test PostgreSQL, listening as the AppHost
/// starts it: HTTP/1.1 on one endpoint and HTTP/2 without TLS, for the gateway, on another.
/// </summary>
public sealed class UnitApiHost(string connectionString) : WebApplicationFactory<unitapi::Program>
{
    public string ConnectionString => connectionString;
    public string Url { get; } = $"http://127.0.0.1:{TestServers.FreePort()}";
    public string Http2Url { get; } = $"http://127.0.0.1:{TestServers.FreePort()}";

    public void Start()
    {
        UseKestrel();
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:factorydb", connectionString);
        builder.UseSetting("UnitApi:DatabaseDeadline", "00:01:00"); // a test machine runs many suites at once
        builder.UseSetting("ConnectionStrings:messaging", TestServers.RabbitMq);
        builder.UseSetting("Kestrel:Endpoints:http:Url", Url);
        builder.UseSetting("Kestrel:Endpoints:h2:Url", Http2Url);
        builder.UseSetting("Kestrel:Endpoints:h2:Protocols", "Http2");
    }
}

/// <summary>The print station on Kestrel (loopback), talking to a gateway, a printer and the test RabbitMQ.</summary>
public sealed class StationHost(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    /// <summary>Every log line the station wrote, with its structured values.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    public string Start()
    {
        UseKestrel(0);
        StartServer();
        return Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("ConnectionStrings:messaging", TestServers.RabbitMq);
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Trace));
        if (services is not null) builder.ConfigureServices(services);
    }
}

/// <summary>The real gateway, run from its build output as its own process, routing to the Unit API.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    public string Url { get; }

    private GatewayProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public static async Task<GatewayProcess> StartAsync(UnitApiHost unitApi)
    {
        var configuration = typeof(GatewayProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value;
        var folder = Path.Combine(TestServers.RepoRoot, "Gateway", "bin", configuration!, "net10.0");
        var url = $"http://127.0.0.1:{TestServers.FreePort()}";
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(folder, "Gateway.dll"));
        start.Environment["ASPNETCORE_URLS"] = url;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["services__unitapi__h2__0"] = unitApi.Http2Url;
        foreach (var other in new[] { "cdn", "debugcollector", "switchmonitor" }) start.Environment[$"services__{other}__http__0"] = "http://127.0.0.1:9";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new GatewayProcess(process, url);
        using var http = new HttpClient();
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"The gateway exited with {process.ExitCode}.");
            try
            {
                if ((await http.GetAsync($"{url}/health")).IsSuccessStatusCode) return gateway;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        await gateway.DisposeAsync();
        throw new TimeoutException("The gateway did not become healthy in 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
