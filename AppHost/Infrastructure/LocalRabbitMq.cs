using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using System.Text;
using RabbitMQ.Client;

namespace PrivateBox.Factory.AppHost.Infrastructure;

internal static class LocalRabbitMq
{
    public const string ServerPath = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    /// <summary>
    /// Runs rabbitmq-server directly (the /usr/sbin wrapper switches user) on a free loopback port, with its
    /// node name and Mnesia data derived from {dataRoot}/rabbitmq so queues survive restarts.
    /// </summary>
    public static IResourceBuilder<LocalServerResource> AddLocalRabbitMq(this IDistributedApplicationBuilder builder, string name, string dataRoot)
    {
        var home = Path.Combine(dataRoot, "rabbitmq");
        Directory.CreateDirectory(home);
        var pluginsFile = Path.Combine(home, "enabled_plugins");
        if (!File.Exists(pluginsFile)) File.WriteAllText(pluginsFile, "[].\n");

        var port = FreePort.Next();
        var node = "pbf" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(home))))[..10].ToLowerInvariant();
        var connectionString = $"amqp://guest:guest@127.0.0.1:{port}/";

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
