using PrivateBox.Factory.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using PrivateBox.Factory.Services.UnitApi.Data;
using PrivateBox.Factory.Services.UnitApi.Units;

namespace PrivateBox.Factory.Services.UnitApi.Dashboard.Consumers;

/// <summary>
/// Opens (or adds MACs to) the port's current link. A link-up older than a link-down already seen on the port
/// is ignored, so redelivered or reordered events end in the same state.
/// </summary>
public sealed class DashboardPortLinkedUpConsumer(FactoryDb db, DashboardSignal signal) : IConsumer<PortLinkedUp>
{
    public async Task Consume(ConsumeContext<PortLinkedUp> context)
    {
        var m = context.Message;
        var macs = m.Macs.Select(x => MacAddress.TryNormalize(x, out var mac) ? mac : null).OfType<string>().Distinct().Order().ToArray();
        var at = m.DetectedAt.ToUniversalTime();
        var role = m.Role.ToString();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO dashboard_port_links (switch_id, port, role, macs, linked_at)
            SELECT {m.SwitchId}, {m.Port}, {role}, {macs}, {at}
            WHERE NOT EXISTS (SELECT 1 FROM dashboard_port_links
                              WHERE switch_id = {m.SwitchId} AND port = {m.Port} AND unlinked_at >= {at})
            ON CONFLICT (switch_id, port) WHERE unlinked_at IS NULL DO UPDATE
            SET role = excluded.role,
                macs = ARRAY(SELECT DISTINCT x FROM unnest(dashboard_port_links.macs || excluded.macs) AS x ORDER BY x)
            """, context.CancellationToken);
        signal.Notify();
    }
}

/// <summary>Closes the port's current link; with none open it leaves a marker so a late link-up stays ignored.</summary>
public sealed class DashboardPortLinkedDownConsumer(FactoryDb db, DashboardSignal signal) : IConsumer<PortLinkedDown>
{
    public async Task Consume(ConsumeContext<PortLinkedDown> context)
    {
        var m = context.Message;
        var at = m.DetectedAt.ToUniversalTime();
        var role = m.Role.ToString();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH closed AS (
                UPDATE dashboard_port_links SET unlinked_at = {at}
                WHERE switch_id = {m.SwitchId} AND port = {m.Port} AND unlinked_at IS NULL AND linked_at <= {at}
                RETURNING id)
            INSERT INTO dashboard_port_links (switch_id, port, role, macs, linked_at, unlinked_at)
            SELECT {m.SwitchId}, {m.Port}, {role}, ARRAY[]::text[], {at}, {at}
            WHERE NOT EXISTS (SELECT 1 FROM closed)
              AND NOT EXISTS (SELECT 1 FROM dashboard_port_links
                              WHERE switch_id = {m.SwitchId} AND port = {m.Port} AND unlinked_at >= {at})
            """, context.CancellationToken);
        signal.Notify();
    }
}
