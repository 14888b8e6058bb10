global using PrivateBox.Factory.Contracts;
using PrivateBox.Factory.AppHost;
using PrivateBox.Factory.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = builder.AddFactoryInfrastructure();
var database = infrastructure.Database;
var messaging = infrastructure.Messaging;

var factoryToken = builder.AddFactorySecret(ResourceNames.FactoryToken, "dev-factory-token");
var labelKey = builder.AddFactorySecret(ResourceNames.LabelKey, "dev-label-key");
var debugKey = builder.AddFactorySecret(ResourceNames.DebugKey, "dev-debug-key");
var adminKey = builder.AddFactorySecret(ResourceNames.AdminKey, "dev-admin-key");
var credentialsKey = builder.AddFactorySecret(ResourceNames.CredentialsKey, "ZGV2LWNyZWRlbnRpYWxzLWtleS1ub3QtZm9yLXVzZSE=");

// Each service holds only the keys it checks (README, "Keys").
var cdn = builder.AddProject<Projects.Services_Cdn>(ResourceNames.Cdn)
    .WithFactoryKeys(adminKey)
    .WithCdnFolders()
    .WithHttpHealthCheck("/health");

var switchMonitor = builder.AddProject<Projects.Services_SwitchMonitor>(ResourceNames.SwitchMonitor)
    .WithReference(messaging, ResourceNames.Messaging).WaitFor(messaging)
    .WithSwitch(builder.AddFactorySecret("switch-community", "public"))
    .WithHttpHealthCheck("/health");

// UnitApi applies the schema migrations before it reports healthy; DebugCollector waits for that.
var unitApi = builder.AddProject<Projects.Services_UnitApi>(ResourceNames.UnitApi)
    .WithReference(database, ResourceNames.Database).WaitFor(database)
    .WithReference(messaging, ResourceNames.Messaging).WaitFor(messaging)
    .WithFactoryKeys(factoryToken, labelKey, debugKey)
    .WithEnvironment("Credentials__Key", credentialsKey)
    // The dashboard reads the CDN's and the switch monitor's status without waiting for them: missing shows red.
    .WithReference(cdn)
    .WithReference(switchMonitor)
    .WithHttp2Endpoint()
    .WithHttpHealthCheck("/health");

var debugCollector = builder.AddProject<Projects.Services_DebugCollector>(ResourceNames.DebugCollector)
    .WithReference(database, ResourceNames.Database).WaitFor(unitApi)
    .WithReference(unitApi)
    .WithDebugKeyFile()
    .WithReference(messaging, ResourceNames.Messaging).WaitFor(messaging)
    .WithFactoryKeys(factoryToken, debugKey, adminKey)
    .WithHttpHealthCheck("/health");

var gateway = builder.AddProject<Projects.Gateway>(ResourceNames.Gateway)
    .WithReference(unitApi).WaitFor(unitApi)
    .WithReference(cdn).WaitFor(cdn)
    .WithReference(debugCollector).WaitFor(debugCollector)
    .WithReference(switchMonitor).WaitFor(switchMonitor)
    .WithFactoryBindings()
    .WithHttpHealthCheck("/health");

// The print station reaches units only through the gateway, as a station on the LAN would.
builder.AddProject<Projects.Services_PrintStation>(ResourceNames.PrintStation)
    .WithReference(messaging, ResourceNames.Messaging).WaitFor(messaging)
    .WithReference(gateway).WaitFor(gateway)
    .WithFactoryKeys(labelKey)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
