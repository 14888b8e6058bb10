using MassTransit;
using PrivateBox.Factory.Services.DebugCollector.Collection;

namespace PrivateBox.Factory.Services.DebugCollector.Consumers;

/// <summary>A unit was plugged into the debug port: collect from every unit among the port's new MACs.</summary>
public sealed class DebugPortConsumer(UnitDirectory units, CollectionService collector, ILogger<DebugPortConsumer> logger) : IConsumer<PortLinkedUp>
{
    public async Task Consume(ConsumeContext<PortLinkedUp> context)
    {
        var arrival = context.Message;
        if (arrival.Role != PortRole.Debug || arrival.Macs.Count == 0) return;

        // The switch may have learned the WAN MAC and a VM's MAC of the same unit: one bundle per unit.
        var unitMacs = new List<string>();
        foreach (var mac in arrival.Macs)
        {
            if (!Bundles.MacAddress.TryNormalize(mac, out var canonical)) continue;
            var unit = await units.FindAsync(canonical, context.CancellationToken);
            if (unit is not null && !unitMacs.Contains(unit.Mac)) unitMacs.Add(unit.Mac);
        }
        if (unitMacs.Count == 0)
        {
            logger.LogWarning("Debug port {Port} on {Switch} learned {Macs}, none of them a known unit", arrival.Port, arrival.SwitchId, arrival.Macs);
            if (Bundles.MacAddress.TryNormalize(arrival.Macs[0], out var first)) unitMacs.Add(first);
        }

        var trigger = $"debug-port:{arrival.SwitchId}:{arrival.Port}:{arrival.DetectedAt.UtcTicks}";
        foreach (var mac in unitMacs)
            await collector.CollectOnceAsync($"{trigger}:{mac}", mac, "debug-port", context.CancellationToken);
    }
}
