using System.Diagnostics;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>
/// A PostgreSQL cluster of its own on a free loopback port, for a test that freezes or stops it (the shared test server
/// must keep serving the other tests). Runs as the postgres user when the tests run as root, as PostgreSQL requires.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("privatebox-pg-").FullName;
    private string Data => Path.Combine(_root, "data");
    private static string Bin => Environment.GetEnvironmentVariable("FACTORY_TEST_PGBIN") ?? "/usr/lib/postgresql/15/bin";
    private static bool AsRoot => Environment.UserName == "root";

    public int Port { get; } = FreePort();
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Password=unused;Database=factorydb;Timeout=3";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var pg = new PrivatePostgres();
        if (AsRoot) await RunAsync("chown", "postgres", pg._root);
        await pg.PgAsync("initdb", "-D", pg.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8");
        await pg.StartServerAsync();
        return pg;
    }

    public Task StartServerAsync() =>
        PgAsync("pg_ctl", "-D", Data, "-w", "-l", Path.Combine(_root, "log"), "-o", $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off", "start");

    public Task StopServerAsync() => PgAsync("pg_ctl", "-D", Data, "-w", "-m", "immediate", "stop");

    /// <summary>Stops (SIGSTOP) or resumes (SIGCONT) the server and every backend: a hung database, as a stalled disk makes it.</summary>
    public async Task SignalAllAsync(string signal)
    {
        var postmaster = (await File.ReadAllLinesAsync(Path.Combine(Data, "postmaster.pid")))[0].Trim();
        await RunAsync("pkill", $"-{signal}", "-P", postmaster);
        await RunAsync("kill", $"-{signal}", postmaster);
    }

    private Task PgAsync(string tool, params string[] args) =>
        AsRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(Bin, tool), .. args]) : RunAsync(Path.Combine(Bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && file != "pkill") throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {errors}{await output}");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try { await SignalAllAsync("CONT"); } catch (Exception) { }
        try { await StopServerAsync(); } catch (InvalidOperationException) { }
        Directory.Delete(_root, recursive: true);
    }
}
