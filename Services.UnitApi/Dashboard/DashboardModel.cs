using Microsoft.EntityFrameworkCore;

namespace PrivateBox.Factory.Services.UnitApi.Dashboard;

/// <summary>A switch port's link from up to down, with every MAC it learned meanwhile (placement and failures by port).</summary>
public class PortLink
{
    public long Id { get; set; }
    public required string SwitchId { get; set; }
    public int Port { get; set; }
    public required string Role { get; set; }
    public List<string> Macs { get; set; } = [];
    public DateTimeOffset LinkedAt { get; set; }
    public DateTimeOffset? UnlinkedAt { get; set; }
}

/// <summary>An operator reprint at a label station (operator labeling errors per day).</summary>
public class LabelReprint
{
    public long Id { get; set; }
    public required string Mac { get; set; }
    public required string StationId { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>A stored debug bundle: a failed unit with one after its failure no longer awaits debugging.</summary>
public class DebugBundle
{
    public Guid BundleId { get; set; }
    public required string Mac { get; set; }
    public DateTimeOffset StoredAt { get; set; }
    public bool Complete { get; set; }
}

/// <summary>The last printer state each label station reported.</summary>
public class PrinterState
{
    public required string StationId { get; set; }
    public required string State { get; set; }
    public string? Detail { get; set; }
    public DateTimeOffset CheckedAt { get; set; }
}

public static class DashboardModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<PortLink>(link =>
        {
            link.ToTable("dashboard_port_links");
            link.HasIndex(l => new { l.SwitchId, l.Port }).HasFilter("unlinked_at IS NULL").IsUnique().HasDatabaseName("ix_port_links_open");
            link.HasIndex(l => l.Macs).HasMethod("gin");
        });
        model.Entity<LabelReprint>(r =>
        {
            r.ToTable("dashboard_label_reprints");
            r.HasIndex(x => new { x.Mac, x.StationId, x.At }).IsUnique();
        });
        model.Entity<DebugBundle>(b =>
        {
            b.ToTable("dashboard_debug_bundles");
            b.HasKey(x => x.BundleId);
            b.HasIndex(x => x.Mac);
        });
        model.Entity<PrinterState>(p =>
        {
            p.ToTable("dashboard_printers");
            p.HasKey(x => x.StationId);
        });
    }
}
