using System.Diagnostics;
using Npgsql;
using Testcontainers.PostgreSql;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>
/// The real servers the tests use: the ones ./factory.sh test started (FACTORY_TEST_* variables), or a
/// PostgreSQL container where a container runtime is healthy.
/// </summary>
public static class TestServers
{
    private static readonly Lazy<Task<string>> Postgres = new(StartPostgresAsync);

    public static string? PgData => Environment.GetEnvironmentVariable("FACTORY_TEST_PGDATA");
    public static string? PgBin => Environment.GetEnvironmentVariable("FACTORY_TEST_PGBIN");
    public static string RabbitMq => Environment.GetEnvironmentVariable("FACTORY_TEST_RABBITMQ")
        ?? throw new InvalidOperationException("FACTORY_TEST_RABBITMQ is not set: run the tests with ./factory.sh test.");

    /// <summary>Creates a throwaway database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var admin = await Postgres.Value;
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private static async Task<string> StartPostgresAsync()
    {
        var configured = Environment.GetEnvironmentVariable("FACTORY_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(configured)) return configured;
        if (!ContainerRuntimeIsHealthy())
            throw new InvalidOperationException("No PostgreSQL for the tests: run them with ./factory.sh test, which starts one.");
        var container = new PostgreSqlBuilder("postgres:15").Build();
        await container.StartAsync();
        return new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = "postgres" }.ConnectionString;
    }

    private static bool ContainerRuntimeIsHealthy()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info") { RedirectStandardOutput = true, RedirectStandardError = true });
            return docker is not null && docker.WaitForExit(5000) && docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
