using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PrivateBox.Factory.Services.UnitApi.Credentials;
using PrivateBox.Factory.Services.UnitApi.Dashboard;
using PrivateBox.Factory.Services.UnitApi.Outbox;
using PrivateBox.Factory.Services.UnitApi.Units;

namespace PrivateBox.Factory.Services.UnitApi.Data;

public class FactoryDb(DbContextOptions<FactoryDb> options) : DbContext(options)
{
    public DbSet<Unit> Units => Set<Unit>();
    public DbSet<BuildAttempt> Attempts => Set<BuildAttempt>();
    public DbSet<AttemptEvent> AttemptEvents => Set<AttemptEvent>();
    public DbSet<UnitCredential> Credentials => Set<UnitCredential>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<PortLink> PortLinks => Set<PortLink>();
    public DbSet<LabelReprint> LabelReprints => Set<LabelReprint>();
    public DbSet<DebugBundle> DebugBundles => Set<DebugBundle>();
    public DbSet<PrinterState> Printers => Set<PrinterState>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Unit>(unit =>
        {
            unit.ToTable("units");
            unit.HasKey(u => u.Mac);
            unit.HasIndex(u => u.Macs).HasMethod("gin");
            unit.HasOne(u => u.CurrentAttempt).WithMany().HasForeignKey(u => u.CurrentAttemptId).OnDelete(DeleteBehavior.SetNull);
        });

        model.Entity<BuildAttempt>(attempt =>
        {
            attempt.ToTable("build_attempts");
            attempt.HasIndex(a => new { a.UnitMac, a.Number }).IsUnique();
            attempt.HasIndex(a => a.Status);
            attempt.HasIndex(a => a.ReportedAt);
            attempt.HasOne<Unit>().WithMany().HasForeignKey(a => a.UnitMac);
            attempt.Property(a => a.TestResults).HasColumnType("jsonb").HasConversion(
                v => v == null ? null : JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
                v => v == null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(v, JsonSerializerOptions.Default),
                new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<Dictionary<string, string>?>(
                    (a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Default) == JsonSerializer.Serialize(b, JsonSerializerOptions.Default),
                    v => v == null ? 0 : JsonSerializer.Serialize(v, JsonSerializerOptions.Default).GetHashCode(),
                    v => v == null ? null : new Dictionary<string, string>(v)));
            attempt.Property(a => a.DiagnosticData).HasColumnType("jsonb");
        });

        model.Entity<AttemptEvent>(e =>
        {
            e.ToTable("attempt_events");
            e.HasIndex(x => x.AttemptId);
            e.HasOne<BuildAttempt>().WithMany().HasForeignKey(x => x.AttemptId);
        });

        model.Entity<UnitCredential>(c =>
        {
            c.ToTable("unit_credentials");
            c.HasKey(x => x.AttemptId);
            c.HasOne<BuildAttempt>().WithOne().HasForeignKey<UnitCredential>(x => x.AttemptId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<OutboxMessage>(o =>
        {
            o.ToTable("outbox_messages");
            o.Property(x => x.Payload).HasColumnType("jsonb");
            o.HasIndex(x => x.Id).HasFilter("sent_at IS NULL").HasDatabaseName("ix_outbox_unsent");
        });

        DashboardModel.Configure(model);
    }
}
