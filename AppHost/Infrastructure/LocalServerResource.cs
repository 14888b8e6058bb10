namespace PrivateBox.Factory.AppHost.Infrastructure;

/// <summary>A server process the AppHost runs itself (PostgreSQL, RabbitMQ) that services reference like a container.</summary>
public sealed class LocalServerResource(string name, string command, string workingDirectory, string connectionString)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public string ConnectionString { get; } = connectionString;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{ConnectionString}");
}
