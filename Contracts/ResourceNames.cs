namespace PrivateBox.Factory.Contracts;

/// <summary>Names of the Aspire resources, shared by the AppHost and the services that resolve them.</summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string Database = "factorydb";
    public const string Messaging = "messaging";
    public const string UnitApi = "unitapi";
    public const string Cdn = "cdn";
    public const string SwitchMonitor = "switchmonitor";
    public const string PrintStation = "printstation";
    public const string DebugCollector = "debugcollector";
    public const string Gateway = "gateway";

    public const string FactoryToken = "factory-token";
    public const string LabelKey = "label-key";
    public const string DebugKey = "debug-key";
    public const string AdminKey = "admin-key";
    public const string CredentialsKey = "credentials-key";
}
