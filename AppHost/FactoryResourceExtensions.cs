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

    public static IResourceBuilder<ProjectResource> WithFactoryKeys(this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<ParameterResource> factoryToken, IResourceBuilder<ParameterResource> stationKey, IResourceBuilder<ParameterResource> adminKey) =>
        project
            .WithEnvironment("FactoryKeys__FactoryToken", factoryToken)
            .WithEnvironment("FactoryKeys__StationKey", stationKey)
            .WithEnvironment("FactoryKeys__AdminKey", adminKey)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", project.ApplicationBuilder.Environment.EnvironmentName);

    /// <summary>Passes the factory's gateway bindings ("Gateway:HttpUrl", "Gateway:HttpsUrl", "Gateway:Certificate:*") through.</summary>
    public static IResourceBuilder<ProjectResource> WithFactoryBindings(this IResourceBuilder<ProjectResource> gateway)
    {
        var section = gateway.ApplicationBuilder.Configuration.GetSection("Gateway");
        foreach (var setting in section.AsEnumerable(makePathsRelative: true).Where(s => s.Value is not null))
            gateway.WithEnvironment($"Gateway__{setting.Key.Replace(":", "__")}", setting.Value);
        return gateway;
    }
}
