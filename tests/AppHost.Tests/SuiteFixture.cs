namespace PrivateBox.Factory.AppHost.Tests;

/// <summary>
/// The whole suite as `dotnet run --project AppHost` starts it, with its own local servers in a throwaway folder:
/// started once and shared by every test class in the "suite" collection. The gateway is also bound to an address of
/// its own (Gateway:HttpUrl), as at a factory, which must leave the address Aspire assigned working.
/// </summary>
public sealed class SuiteFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"pbf-apphost-{Guid.NewGuid():N}");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The suite has not started.");

    public Uri GatewayBinding { get; } = new($"http://127.0.0.1:{FreePort()}");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=Local", $"--Infrastructure:DataDir={_dataDir}", $"--Gateway:HttpUrl={GatewayBinding}"]);
        _app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(cts.Token);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition("suite")]
public sealed class SuiteCollection : ICollectionFixture<SuiteFixture>;
