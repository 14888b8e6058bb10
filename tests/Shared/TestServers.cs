using System.Diagnostics;
using Npgsql;

namespace PrivateBox.Factory.Tests;

/// <summary>
/// The PostgreSQL and RabbitMQ that ./factory.sh test started (scripts/test-servers.sh), for the test projects that
/// link this file; each test class makes its own database on that server.
/// </summary>
public static class TestServers
{
    public static string Postgres => Environment.GetEnvironmentVariable("FACTORY_TEST_POSTGRES")
        ?? throw new InvalidOperationException("FACTORY_TEST_POSTGRES is not set: run the tests with ./factory.sh test.");
    public static string RabbitMq => Environment.GetEnvironmentVariable("FACTORY_TEST_RABBITMQ")
        ?? throw new InvalidOperationException("FACTORY_TEST_RABBITMQ is not set: run the tests with ./factory.sh test.");

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        if (name.Length > 63) name = name[..63]; // PostgreSQL's identifier limit
        await using (var connection = new NpgsqlConnection(Postgres))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }

    /// <summary>The whole database as pg_dump writes it (data included).</summary>
    public static async Task<string> DumpAsync(string connectionString)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var bin = Environment.GetEnvironmentVariable("FACTORY_TEST_PGBIN") ?? "/usr/bin";
        var start = new ProcessStartInfo(Path.Combine(bin, "pg_dump")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-h", cs.Host!, "-p", cs.Port.ToString(), "-U", cs.Username!, cs.Database! }) start.ArgumentList.Add(a);
        start.Environment["PGPASSWORD"] = cs.Password;
        using var process = Process.Start(start)!;
        var dump = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
        return dump;
    }

    /// <summary>The repository root (for build outputs and artifact folders).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PrivateBox.Factory.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
        }
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
