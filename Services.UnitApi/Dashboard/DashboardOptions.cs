namespace PrivateBox.Factory.Services.UnitApi.Dashboard;

public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>SwitchMonitor's base address (Aspire service discovery name by default).</summary>
    public string SwitchMonitorUrl { get; set; } = "http://switchmonitor";
    public string CdnUrl { get; set; } = "http://cdn";
    /// <summary>Build ports shown as the grid, 1..N.</summary>
    public int BuildPorts { get; set; } = 20;
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>A switch whose last poll is older than this shows amber.</summary>
    public TimeSpan SwitchPollStaleAfter { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>Live event streams open at once (each holds a connection); one more is answered 503.</summary>
    public int MaxLiveStreams { get; set; } = 200;
}
