using PrivateBox.Factory.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using PrivateBox.Factory.Services.UnitApi.Data;
using PrivateBox.Factory.Services.UnitApi.Units;

namespace PrivateBox.Factory.Services.UnitApi.Dashboard.Consumers;

/// <summary>Counts a reprint once per (MAC, station, time), however often it is delivered.</summary>
public sealed class DashboardLabelReprintedConsumer(FactoryDb db, DashboardSignal signal) : IConsumer<LabelReprinted>
{
    public async Task Consume(ConsumeContext<LabelReprinted> context)
    {
        var m = context.Message;
        var mac = MacAddress.TryNormalize(m.Mac, out var canonical) ? canonical : m.Mac;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO dashboard_label_reprints (mac, station_id, reason, at)
            VALUES ({mac}, {m.StationId}, {m.Reason}, {m.At.ToUniversalTime()})
            ON CONFLICT (mac, station_id, at) DO NOTHING
            """, context.CancellationToken);
        signal.Notify();
    }
}

public sealed class DashboardDebugBundleStoredConsumer(FactoryDb db, DashboardSignal signal) : IConsumer<DebugBundleStored>
{
    public async Task Consume(ConsumeContext<DebugBundleStored> context)
    {
        var m = context.Message;
        var mac = MacAddress.TryNormalize(m.Mac, out var canonical) ? canonical : m.Mac;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO dashboard_debug_bundles (bundle_id, mac, stored_at, complete)
            VALUES ({m.BundleId}, {mac}, {m.StoredAt.ToUniversalTime()}, {m.Complete})
            ON CONFLICT (bundle_id) DO NOTHING
            """, context.CancellationToken);
        signal.Notify();
    }
}

/// <summary>Keeps each station's newest printer state; an older check delivered late changes nothing.</summary>
public sealed class DashboardPrinterStatusConsumer(FactoryDb db, DashboardSignal signal) : IConsumer<PrinterStatusChanged>
{
    public async Task Consume(ConsumeContext<PrinterStatusChanged> context)
    {
        var m = context.Message;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO dashboard_printers (station_id, state, detail, checked_at)
            VALUES ({m.StationId}, {m.State}, {m.Detail}, {m.CheckedAt.ToUniversalTime()})
            ON CONFLICT (station_id) DO UPDATE SET state = excluded.state, detail = excluded.detail, checked_at = excluded.checked_at
            WHERE dashboard_printers.checked_at < excluded.checked_at
            """, context.CancellationToken);
        signal.Notify();
    }
}

public static class DashboardConsumers
{
    /// <summary>
    /// Registers the consumers that feed the dashboard: port links, reprints, debug bundles, printer states.
    /// Replicas share the queues; an <paramref name="instance"/> gives this process temporary queues of its own
    /// (side-by-side test instances on one broker).
    /// </summary>
    public static IBusRegistrationConfigurator AddDashboardConsumers(this IBusRegistrationConfigurator bus, string? instance = null)
    {
        void Endpoint(IEndpointRegistrationConfigurator e)
        {
            if (string.IsNullOrEmpty(instance)) return;
            e.InstanceId = instance;
            e.Temporary = true;
        }
        bus.AddConsumer<DashboardPortLinkedUpConsumer>().Endpoint(Endpoint);
        bus.AddConsumer<DashboardPortLinkedDownConsumer>().Endpoint(Endpoint);
        bus.AddConsumer<DashboardLabelReprintedConsumer>().Endpoint(Endpoint);
        bus.AddConsumer<DashboardDebugBundleStoredConsumer>().Endpoint(Endpoint);
        bus.AddConsumer<DashboardPrinterStatusConsumer>().Endpoint(Endpoint);
        return bus;
    }
}
