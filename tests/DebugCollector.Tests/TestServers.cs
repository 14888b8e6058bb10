using Npgsql;

namespace PrivateBox.Factory.DebugCollector.Tests;

/// <summary>The PostgreSQL and RabbitMQ that ./factory.sh test started (scripts/test-servers.sh).</summary>
public static class TestServers
{
    public static string Postgres => Environment.GetEnvironmentVariable("FACTORY_TEST_POSTGRES")
        ?? throw new InvalidOperationException("FACTORY_TEST_POSTGRES is not set: run the tests with ./factory.sh test.");
    public static string RabbitMq => Environment.GetEnvironmentVariable("FACTORY_TEST_RABBITMQ")
        ?? throw new InvalidOperationException("FACTORY_TEST_RABBITMQ is not set: run the tests with ./factory.sh test.");

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(Postgres))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }
}
