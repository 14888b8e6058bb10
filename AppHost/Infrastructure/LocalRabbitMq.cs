using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using System.Text;
using RabbitMQ.Client;

namespace PrivateBox.Factory.AppHost.Infrastructure;

internal static class LocalRabbitMq
{
    public const string ServerPath = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string User = "factory";

    /// <summary>
    /// Runs rabbitmq-server directly (the /usr/sbin wrapper switches user) on a free loopback port, with its
    /// node name and Mnesia data derived from {dataRoot}/rabbitmq so queues survive restarts. The broker has one user,
    /// "factory", with a password made on first start into rabbitmq.password beside it (owner only); there is no guest.
    /// </summary>
    public static IResourceBuilder<LocalServerResource> AddLocalRabbitMq(this IDistributedApplicationBuilder builder, string name, string dataRoot)
    {
        var home = Path.Combine(dataRoot, "rabbitmq");
        Directory.CreateDirectory(home);
        var pluginsFile = Path.Combine(home, "enabled_plugins");
        if (!File.Exists(pluginsFile)) File.WriteAllText(pluginsFile, "[].\n");

        var port = FreePort.Next();
        var node = "pbf" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(home))))[..10].ToLowerInvariant();
        var passwordFile = Path.Combine(dataRoot, "rabbitmq.password");
        // A broker made before it had a user of its own knows only guest: its development data is started afresh.
        if (!File.Exists(passwordFile) && Directory.Exists(Path.Combine(home, "mnesia"))) Directory.Delete(Path.Combine(home, "mnesia"), recursive: true);
        var password = LocalPostgres.ReadOrCreatePassword(passwordFile);
        // Read when the broker initialises its database: the only user it creates.
        var config = Path.Combine(home, "rabbitmq.conf");
        File.WriteAllText(config, $"default_user = {User}\ndefault_pass = {password}\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var connectionString = $"amqp://{User}:{password}@127.0.0.1:{port}/";

        var healthKey = $"{name}-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, async ct =>
        {
            // A TCP check passes before the broker accepts AMQP logins, so open a real connection.
            try
            {
                var factory = new ConnectionFactory { Uri = new Uri(connectionString), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
                await using var connection = await factory.CreateConnectionAsync(ct);
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("RabbitMQ is not accepting AMQP connections yet.");
            }
        });

        return builder.AddResource(new LocalServerResource(name, ServerPath, home, connectionString))
            .WithEnvironment("RABBITMQ_NODE_PORT", port.ToString())
            .WithEnvironment("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_DIST_PORT", FreePort.Next().ToString())
            .WithEnvironment("RABBITMQ_NODENAME", $"{node}@localhost")
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(home, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(home, "log"))
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEnvironment("RABBITMQ_PID_FILE", Path.Combine(home, $"{node}.pid"))
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", pluginsFile)
            .WithEnvironment("RABBITMQ_CONFIG_FILE", Path.Combine(home, "rabbitmq"))
            .WithEnvironment("RABBITMQ_ADVANCED_CONFIG_FILE", Path.Combine(home, "advanced.config"))
            .WithHealthCheck(healthKey);
    }
}
