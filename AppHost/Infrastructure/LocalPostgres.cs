using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using Npgsql;

namespace PrivateBox.Factory.AppHost.Infrastructure;

internal static class LocalPostgres
{
    public static string? FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "postgres")) && File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    /// <summary>
    /// Runs postgres on a free loopback port with its cluster in {dataRoot}/postgres (created by initdb on
    /// first start, kept afterwards). As root the server runs as the postgres user, which PostgreSQL requires.
    /// </summary>
    public static IResourceBuilder<LocalServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, string binDir, string dataRoot)
    {
        Directory.CreateDirectory(dataRoot);
        var password = ReadOrCreatePassword(Path.Combine(dataRoot, "postgres.password"));
        var port = FreePort.Next();
        var dataDir = Path.Combine(dataRoot, "postgres");
        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database={ResourceNames.Database}";

        var asRoot = Environment.UserName == "root";
        var run = asRoot ? "runuser -u postgres -- " : "";
        var chownPw = asRoot ? "chown postgres \"$pw\"; " : "";
        var script = string.Join("; ",
            "set -e",
            "mkdir -p \"$PGDATA\"",
            asRoot ? "chown postgres:postgres \"$PGDATA\"" : "true",
            "chmod 700 \"$PGDATA\"",
            // initdb reads the superuser password from a file the server's user can open.
            $"if [ ! -f \"$PGDATA/PG_VERSION\" ]; then pw=$(mktemp); cp \"$PGPASSFILE_SRC\" \"$pw\"; {chownPw}"
                + $"{run}\"$PGBIN/initdb\" -D \"$PGDATA\" -U postgres -E UTF8 --auth-local=scram-sha-256 --auth-host=scram-sha-256 --pwfile=\"$pw\"; rm -f \"$pw\"; fi",
            // The socket lives in the data folder (mode 700): no other local user reaches it, whatever pg_hba says.
            $"exec {run}\"$PGBIN/postgres\" -D \"$PGDATA\" -p \"$PGPORT\" -k \"$PGDATA\" -c listen_addresses=127.0.0.1");

        var healthKey = $"{name}-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, async ct =>
        {
            // The database itself is created by the Unit API's migrations; here the server must accept logins.
            var server = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Timeout = 3 };
            try
            {
                await using var connection = new NpgsqlConnection(server.ConnectionString);
                await connection.OpenAsync(ct);
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("PostgreSQL is not accepting connections yet.");
            }
        });

        return builder.AddResource(new LocalServerResource(name, "/bin/sh", dataRoot, connectionString))
            .WithArgs("-c", script)
            .WithEnvironment("PGDATA", dataDir)
            .WithEnvironment("PGBIN", binDir)
            .WithEnvironment("PGPORT", port.ToString())
            .WithEnvironment("PGPASSFILE_SRC", Path.Combine(dataRoot, "postgres.password"))
            .WithHealthCheck(healthKey);
    }

    /// <summary>The password kept in <paramref name="path"/> (owner only), made on first use.</summary>
    internal static string ReadOrCreatePassword(string path)
    {
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        File.WriteAllText(path, password + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return password;
    }
}
