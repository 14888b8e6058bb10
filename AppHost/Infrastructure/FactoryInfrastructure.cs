using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace PrivateBox.Factory.AppHost.Infrastructure;

public enum InfrastructureMode { Auto, Containers, Local, External }

/// <summary>PostgreSQL (the factorydb connection) and RabbitMQ (the messaging connection), however this machine provides them.</summary>
public sealed record FactoryInfrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Messaging);

public static class FactoryInfrastructureExtensions
{
    /// <summary>
    /// Chooses the infrastructure mode from "Infrastructure:Mode" (Auto, Containers, Local, External).
    /// Auto: External when both connection strings are configured, else Containers when a container
    /// runtime answers, else Local when the Debian server packages are installed. Otherwise it stops at once
    /// and says what to install.
    /// </summary>
    public static FactoryInfrastructure AddFactoryInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var mode = config.GetValue("Infrastructure:Mode", InfrastructureMode.Auto);
        var pgBin = LocalPostgres.FindBinDirectory();
        var localAvailable = pgBin is not null && File.Exists(LocalRabbitMq.ServerPath);

        if (mode == InfrastructureMode.Auto)
        {
            mode = HasExternal(config) ? InfrastructureMode.External
                : ContainerRuntimeIsHealthy() ? InfrastructureMode.Containers
                : localAvailable ? InfrastructureMode.Local
                : throw new DistributedApplicationException(
                    "No PostgreSQL and RabbitMQ for the factory: no container runtime answers, the local servers are not installed "
                    + "and no connection strings are configured. Install them (Debian/Ubuntu: apt-get install postgresql rabbitmq-server, "
                    + "or run ./factory.sh run which does it), or install Docker/Podman, or set ConnectionStrings:factorydb and "
                    + "ConnectionStrings:messaging to existing servers.");
        }

        switch (mode)
        {
            case InfrastructureMode.External:
                if (!HasExternal(config))
                    throw new DistributedApplicationException("Infrastructure:Mode is External but ConnectionStrings:factorydb and ConnectionStrings:messaging are not both set.");
                return new(mode,
                    builder.AddConnectionString(ResourceNames.Database),
                    builder.AddConnectionString(ResourceNames.Messaging));

            case InfrastructureMode.Containers:
                var postgres = builder.AddPostgres(ResourceNames.Postgres).WithDataVolume("privatebox-factory-postgres");
                var rabbit = builder.AddRabbitMQ(ResourceNames.Messaging).WithDataVolume("privatebox-factory-rabbitmq");
                return new(mode, postgres.AddDatabase(ResourceNames.Database), rabbit);

            default:
                if (!localAvailable)
                    throw new DistributedApplicationException(
                        "Infrastructure:Mode is Local but PostgreSQL or RabbitMQ is not installed: apt-get install postgresql rabbitmq-server.");
                var dataRoot = DataRoot(config);
                return new(InfrastructureMode.Local,
                    builder.AddLocalPostgres(ResourceNames.Postgres, pgBin!, dataRoot),
                    builder.AddLocalRabbitMq(ResourceNames.Messaging, dataRoot));
        }
    }

    /// <summary>Where local servers keep their data: "Infrastructure:DataDir", else /var/lib/privatebox-factory as root, else ~/.local/share/privatebox-factory.</summary>
    public static string DataRoot(IConfiguration config) =>
        config["Infrastructure:DataDir"] is { Length: > 0 } configured ? Path.GetFullPath(configured)
        : Environment.UserName == "root" ? "/var/lib/privatebox-factory"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "privatebox-factory");

    private static bool HasExternal(IConfiguration config) =>
        !string.IsNullOrEmpty(config.GetConnectionString(ResourceNames.Database))
        && !string.IsNullOrEmpty(config.GetConnectionString(ResourceNames.Messaging));

    private static bool ContainerRuntimeIsHealthy()
    {
        foreach (var runtime in new[] { "docker", "podman" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(runtime, "info --format {{.ServerVersion}}")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                });
                if (process is null) continue;
                if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }
                if (process.ExitCode == 0) return true;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed.
            }
        }
        return false;
    }
}
