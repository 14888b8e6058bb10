using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace PrivateBox.Factory.AppHost;

internal static class FactoryResourceExtensions
{
    /// <summary>
    /// A secret parameter ("Parameters:{name}"). In Development it defaults to the documented dev value;
    /// elsewhere it must be configured, and the services refuse dev values.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddFactorySecret(this IDistributedApplicationBuilder builder, string name, string devDefault)
    {
        var key = $"Parameters:{name}";
        if (builder.Environment.IsDevelopment() && string.IsNullOrEmpty(builder.Configuration[key]))
            builder.Configuration[key] = devDefault;
        return builder.AddParameter(name, secret: true);
    }

    /// <summary>Hands a service the keys it checks, each as "FactoryKeys__{Setting}".</summary>
    public static IResourceBuilder<ProjectResource> WithFactoryKeys(this IResourceBuilder<ProjectResource> project,
        params IResourceBuilder<ParameterResource>[] keys)
    {
        foreach (var key in keys)
        {
            var setting = key.Resource.Name switch
            {
                ResourceNames.FactoryToken => "FactoryToken",
                ResourceNames.LabelKey => "LabelKey",
                ResourceNames.DebugKey => "DebugKey",
                ResourceNames.AdminKey => "AdminKey",
                var other => throw new ArgumentException($"{other} is not a factory key.", nameof(keys)),
            };
            project.WithEnvironment($"FactoryKeys__{setting}", key);
        }
        return project.WithEnvironment("ASPNETCORE_ENVIRONMENT", project.ApplicationBuilder.Environment.EnvironmentName);
    }

    /// <summary>
    /// A second endpoint, "h2", serving HTTP/2 without TLS (prior knowledge) for the gateway: its concurrent requests
    /// share one connection instead of one each, which saves both processes most of their socket calls and thread
    /// wake-ups per heartbeat (bench/heartbeats.sh). Both endpoints become Kestrel endpoints, because Kestrel ignores
    /// ASPNETCORE_URLS once any are configured.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHttp2Endpoint(this IResourceBuilder<ProjectResource> project)
    {
        project.WithHttpEndpoint(name: "h2").WithEndpoint("h2", endpoint => endpoint.Transport = "http2");
        var http = project.GetEndpoint("http");
        var h2 = project.GetEndpoint("h2");
        return project
            .WithEnvironment("Kestrel__Endpoints__http__Url", ReferenceExpression.Create($"http://localhost:{http.Property(EndpointProperty.TargetPort)}"))
            .WithEnvironment("Kestrel__Endpoints__h2__Url", ReferenceExpression.Create($"http://localhost:{h2.Property(EndpointProperty.TargetPort)}"))
            .WithEnvironment("Kestrel__Endpoints__h2__Protocols", "Http2");
    }

    /// <summary>
    /// Passes the path of the factory debug key ("DebugCollector:Ssh:KeyFile") on to the collector. The key stays a
    /// file on the server, readable only by the service account; its content never passes through configuration.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDebugKeyFile(this IResourceBuilder<ProjectResource> collector) =>
        collector.ApplicationBuilder.Configuration["DebugCollector:Ssh:KeyFile"] is { Length: > 0 } path
            ? collector.WithEnvironment("DebugCollector__Ssh__KeyFile", path)
            : collector;

    /// <summary>Passes the factory's gateway bindings ("Gateway:HttpUrl", "Gateway:HttpsUrl", "Gateway:Certificate:*") through.</summary>
    public static IResourceBuilder<ProjectResource> WithFactoryBindings(this IResourceBuilder<ProjectResource> gateway)
    {
        var section = gateway.ApplicationBuilder.Configuration.GetSection("Gateway");
        foreach (var setting in section.AsEnumerable(makePathsRelative: true).Where(s => s.Value is not null))
            gateway.WithEnvironment($"Gateway__{setting.Key.Replace(":", "__")}", setting.Value);
        return gateway;
    }
}
