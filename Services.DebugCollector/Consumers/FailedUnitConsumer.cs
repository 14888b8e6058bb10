using MassTransit;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.DebugCollector.Collection;

namespace PrivateBox.Factory.Services.DebugCollector.Consumers;

/// <summary>
/// A unit reported failed or went stuck: collect from it at once, while it still sits on its build port with
/// its address, so the operator may never need the debug port.
/// </summary>
public sealed class FailedUnitConsumer(CollectionService collector, IOptions<DebugCollectorOptions> options)
    : IConsumer<UnitReported>, IConsumer<UnitBecameStuck>
{
    public async Task Consume(ConsumeContext<UnitReported> context)
    {
        var report = context.Message;
        if (report.Status != "failed" || !options.Value.CollectOnFailed) return;
        await collector.CollectOnceAsync($"failed:{report.AttemptId}", report.Mac, "automatic", context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<UnitBecameStuck> context)
    {
        var stuck = context.Message;
        if (!options.Value.CollectOnStuck) return;
        await collector.CollectOnceAsync($"stuck:{stuck.AttemptId}:{stuck.DetectedAt.UtcTicks}", stuck.Mac, "automatic", context.CancellationToken);
    }
}
